import { writeFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic.ts';
import { Fault, describeFsError, fsFault } from './fault.ts';

function errno(code: string, syscall: string, file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} '${file}'`), { code, syscall, path: file, errno: -1 });
}

describe('file-system faults as one sentence', () => {
  it.each([
    ['EROFS', 'the file system is read-only'],
    ['EACCES', 'permission denied'],
    ['EPERM', 'the operation is not permitted'],
    ['ENOSPC', 'no space is left on the device'],
    ['EDQUOT', 'the disk quota is exceeded'],
    ['EIO', 'the device reported an input/output error'],
  ])('%s', (code, reason) => {
    const fault = fsFault(errno(code, 'open', '/srv/status/data/x.ndjson'), 'write', '/srv/status/data/x.ndjson');
    expect(fault).toBeInstanceOf(Fault);
    expect((fault as Fault).message).toBe(`could not write /srv/status/data/x.ndjson: ${reason} (${code})`);
    expect(describeFsError(errno(code, 'mkdir', '/srv/status/dist'))).toBe(`could not create the folder /srv/status/dist: ${reason} (${code})`);
  });

  it('a real ENOSPC (/dev/full)', () => {
    let err: unknown;
    try {
      writeFileSync('/dev/full', 'x');
    } catch (e) {
      err = e;
    }
    expect((fsFault(err, 'write', '/dev/full') as Error).message).toBe('could not write /dev/full: no space is left on the device (ENOSPC)');
  });

  it('a real file where a folder belongs names that file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-fault-'));
    await writeFile(path.join(dir, 'data'), '');
    const target = path.join(dir, 'data', 'state', 'x.json');
    await expect(writeFileAtomic(target, '{}')).rejects.toThrow(new Fault(`could not write ${target}: ${path.join(dir, 'data')} is a file, not a folder (ENOTDIR)`));
  });

  it('anything else is not a fault of the environment and is passed on unchanged', () => {
    const bug = new TypeError('x is undefined');
    expect(fsFault(bug, 'write', '/x')).toBe(bug);
    expect(describeFsError(bug)).toBeNull();
  });
});
