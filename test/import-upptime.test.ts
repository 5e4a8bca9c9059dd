/** `cairn import upptime` through the real CLI: exit codes, warnings, the summary line. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildUpptimeRepo } from '../src/import/upptime-fixture.ts';
import { cairn } from './helpers.ts';

let fixture: { repo: string; issues: string };
beforeAll(async () => {
  fixture = await buildUpptimeRepo();
}, 60_000);

describe('cairn import upptime', () => {
  it('imports, prints what it skipped and a summary line; a second run adds nothing; validate accepts the result', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-cli-import-'));
    const res = await cairn(['import', 'upptime', fixture.repo, '--dir', dir, '--issues', fixture.issues]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('warning: not carried over: site "Chat WS": check kind "ws" has no Cairn equivalent yet; site skipped');
    expect(res.stderr).toContain('note: the imported checks need these environment variables (Actions secrets): API_TOKEN');
    expect(res.stderr).toContain('write 1 rollup file under data/rollups/ (whole days of history)');
    expect(res.stderr.trimEnd().split('\n').at(-1)).toBe(
      'Imported 3 checks, 9 samples over 4 days, 2 incidents; skipped: 1 site, 2 site options, 2 settings, 2 commits, 2 issues',
    );

    const again = await cairn(['import', 'upptime', fixture.repo, '--dir', dir, '--issues', fixture.issues]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('Imported 3 checks, 0 samples over 0 days, 2 incidents (9 samples already in the store)');

    const validate = await cairn(['validate', '--dir', dir], { env: { API_TOKEN: 'x' } });
    expect(validate.code).toBe(0);
    const verify = await cairn(['verify', '--dir', dir]);
    // Four days of history, over: daily rollups (each status holding until Upptime's next one).
    expect(verify.code).toBe(0);
    expect(verify.stderr).toContain('1 data file, 0 samples, 0 problems. (0 raw day files; 1 rollup file with 12 daily lines; 0 heartbeat files with 0 signals.)');
  });

  it('exits 2 naming the file it will not overwrite, and 2 on usage errors', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-cli-import-'));
    expect((await cairn(['import', 'upptime', fixture.repo, '--dir', dir])).code).toBe(0);
    const file = path.join(dir, 'checks', 'upptime.yaml');
    await writeFile(file, `${await readFile(file, 'utf8')}# mine\n`);
    const refused = await cairn(['import', 'upptime', fixture.repo, '--dir', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`refusing to overwrite ${file}`);
    expect(await readFile(file, 'utf8')).toContain('# mine');
    expect((await cairn(['import', 'upptime', fixture.repo, '--dir', dir, '--force'])).code).toBe(0);

    expect((await cairn(['import', 'statuspage', fixture.repo])).code).toBe(2);
    expect((await cairn(['import', 'upptime'])).code).toBe(2);
    const notUpptime = await cairn(['import', 'upptime', dir, '--dir', dir]);
    expect(notUpptime.code).toBe(2);
    expect(notUpptime.stderr).toContain('no .upptimerc.yml');
  });

  it('--dry-run writes nothing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-cli-import-'));
    const res = await cairn(['import', 'upptime', fixture.repo, '--dir', dir, '--dry-run']);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('would create checks/upptime.yaml');
    expect(res.stderr).toMatch(/Dry run: would import 3 checks, 9 samples over 4 days, 0 incidents/);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(dir)).toEqual([]);
  });
});
