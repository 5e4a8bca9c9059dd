/** Hand-written incidents through the CLI: scaffold, validate, and errors that name file and line. */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn } from './helpers.ts';

async function repo(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-inc-'));
  await mkdir(path.join(dir, 'checks'));
  await writeFile(path.join(dir, 'checks', 'a.yaml'), 'checks:\n  - id: api\n    kind: tcp\n    host: 127.0.0.1\n    port: 1\n');
  return dir;
}

describe('cairn incident new / validate', () => {
  it('scaffolds an incident that validates, and reports a broken one with file and line', async () => {
    const dir = await repo();
    const res = await cairn(['incident', 'new', '--dir', dir, '--title', 'Élevated API errors!', '--component', 'api', '--impact', 'minor', '--started', '2026-11-24T10:00:00Z']);
    expect(res.stderr).toContain('Wrote incidents/2026-11-24-elevated-api-errors.md');
    expect(res.code).toBe(0);
    const file = path.join(dir, res.stdout.trim());
    const text = await readFile(file, 'utf8');
    expect(text).toContain('title: "Élevated API errors!"');
    expect(text).toContain('impact: minor');
    const ok = await cairn(['validate', '--dir', dir]);
    expect(ok.stderr).toContain('1 incident.');
    expect(ok.code).toBe(0);

    await writeFile(file, text.replace('status: investigating', 'status: looking'));
    const bad = await cairn(['validate', '--dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/incidents\/2026-11-24-elevated-api-errors\.md:9:13: updates\[0\]\.status: expected one of/);
  });

  it('refuses unknown components and missing titles (exit 2)', async () => {
    const dir = await repo();
    const a = await cairn(['incident', 'new', '--dir', dir, '--title', 'X', '--component', 'nope']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('unknown component nope (known: api)');
    const b = await cairn(['incident', 'new', '--dir', dir, '--component', 'api']);
    expect(b.code).toBe(2);
  });
});
