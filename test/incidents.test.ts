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

  it('run and check say which incident files they skip, with file, line and column (validate is not the only one to tell)', async () => {
    const dir = await repo();
    await mkdir(path.join(dir, 'incidents'));
    await writeFile(
      path.join(dir, 'incidents', '2026-11-24-broken.md'),
      ['---', 'title: Broken', 'components: [api]', 'started: yesterday', '---', 'Body.', ''].join('\n'),
    );
    await writeFile(path.join(dir, 'incidents', '2026-11-25-unknown.md'), ['---', 'title: Unknown', 'components: [nope]', 'started: 2026-11-25T10:00:00Z', '---', ''].join('\n'));
    for (const args of [['run', '--no-commit', '--no-compact'], ['check', '--no-write']]) {
      const res = await cairn([...args, '--dir', dir]);
      expect(res.code).toBe(0);
      expect(res.stderr).toContain('warning: skipped incidents/2026-11-24-broken.md:4:10: started: expected a time with its offset, such as 2026-11-24T10:00:00Z, got "yesterday"');
      expect(res.stderr).toContain('warning: skipped incidents/2026-11-25-unknown.md:3:1: components: unknown component "nope" (known: api)');
    }
  });

  it('a new incident names its owner and carries the response checklist of its severity', async () => {
    const dir = await repo();
    const res = await cairn(['incident', 'new', '--dir', dir, '--title', 'Checkout down', '--component', 'api', '--impact', 'minor', '--severity', 'P1', '--owner', 'dana', '--started', '2026-11-24T10:00:00Z']);
    expect(res.code).toBe(0);
    const text = await readFile(path.join(dir, res.stdout.trim()), 'utf8');
    expect(text).toContain('severity: P1');
    expect(text).toContain('owner: "dana"');
    expect(text).toContain('## Response checklist\n\n- [ ] Acknowledge within 15 minutes');
    expect(text).toContain('- [ ] Postmortem within 5 days of the resolution');
    const ok = await cairn(['validate', '--dir', dir]);
    expect(ok.code).toBe(0);
    // A box that is not a box is an error at its line.
    await writeFile(path.join(dir, res.stdout.trim()), text.replace('- [ ] Triage', '- [?] Triage'));
    const bad = await cairn(['validate', '--dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/incidents\/2026-11-24-checkout-down\.md:\d+:1: Response checklist: expected "\[ \]" \(to do\) or "\[x\]" \(done\), got "\[\?\]"/);
    expect((await cairn(['incident', 'new', '--dir', dir, '--title', 'X', '--component', 'api', '--severity', 'P9'])).code).toBe(2);
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
