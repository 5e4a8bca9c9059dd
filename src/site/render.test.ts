/** exportSite replacing a folder that holds other pages' folders (several pages, src/site/build.ts). */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeModel } from '../model/model.ts';
import { fixtureConfig } from '../model/testing.ts';
import { exportSite } from './render.ts';

const NOW = Date.parse('2026-11-24T12:00:00.000Z');
const model = computeModel({ config: fixtureConfig({ checks: [{ id: 'web' }] }), samples: [], now: NOW });
const tmp = await mkdtemp(path.join(os.tmpdir(), 'cairn-render-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('exportSite with folders of other pages inside', () => {
  it('keeps them across a rebuild, also when the folder held nothing else yet', async () => {
    const out = path.join(tmp, 'keep');
    await mkdir(path.join(out, 'internal', 'deep'), { recursive: true });
    await writeFile(path.join(out, 'internal', 'index.html'), 'internal page');
    await writeFile(path.join(out, 'internal', 'deep', 'x.json'), '{}');
    // Only another page's folder in it: not refused as a foreign folder.
    await exportSite(model, out, { keep: ['internal', 'not-built-yet'] });
    expect(existsSync(path.join(out, 'index.html'))).toBe(true);
    expect(await readFile(path.join(out, 'internal', 'index.html'), 'utf8')).toBe('internal page');
    expect(existsSync(path.join(out, 'internal', 'deep', 'x.json'))).toBe(true);
    // Without `keep` a rebuild replaces the folder whole.
    await exportSite(model, out);
    expect(existsSync(path.join(out, 'internal'))).toBe(false);
  }, 120_000);

  it('refuses to put a kept folder where the site writes its own files, leaving the old site whole', async () => {
    const out = path.join(tmp, 'clash');
    await exportSite(model, out);
    const before = await readFile(path.join(out, 'index.html'), 'utf8');
    await mkdir(path.join(out, 'components', 'web'), { recursive: true });
    await expect(exportSite(model, out, { keep: ['components/web'] })).rejects.toThrow(/the site writes components\/web where another page's folder \(components\/web\) is/);
    expect(await readFile(path.join(out, 'index.html'), 'utf8')).toBe(before);
  }, 120_000);
});
