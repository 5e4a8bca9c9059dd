/** The CLI contract of DESIGN.md: exit codes, messages that name file and line, nothing written on error. */
import { mkdtemp, mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cairn } from './helpers.ts';

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.statusCode = req.url === '/down' ? 500 : 200;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-cli-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

describe('cairn CLI', () => {
  it('validate: exit 0 on good config, 2 naming file and line on a malformed file', async () => {
    const dir = await repo({
      'cairn.yaml': 'site:\n  title: Test\n',
      'checks/web.yaml': `checks:\n  - id: web\n    kind: http\n    url: ${base}/\n`,
    });
    const ok = await cairn(['validate', '--dir', dir]);
    expect(ok.code).toBe(0);
    await writeFile(path.join(dir, 'checks', 'broken.yaml'), 'checks:\n  - id: broken\n    kind: http\n    url: [unclosed\n');
    const bad = await cairn(['validate', '--dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/checks\/broken\.yaml:\d+:\d+/);
  });

  it('check: config errors exit 2 and write nothing', async () => {
    const dir = await repo({ 'checks/web.yaml': `checks:\n  - id: web\n    kind: http\n    url: not-a-url\n` });
    const res = await cairn(['check', '--dir', dir]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('checks/web.yaml:4:10');
    expect(res.stderr).toContain('url');
    expect(await readdir(dir)).toEqual(['checks']);
  });

  it('check --json: one object per check, data appended, exit 0 even when something is down', async () => {
    const dir = await repo({
      'checks/web.yaml': `checks:\n  - id: up\n    kind: http\n    url: ${base}/\n  - id: down\n    kind: http\n    url: ${base}/down\n    retries: 0\n`,
    });
    const res = await cairn(['check', '--dir', dir, '--json']);
    expect(res.code).toBe(0);
    const rows = JSON.parse(res.stdout) as { id: string; status: string; error: string | null; responseTimeMs: number; checkedAt: string }[];
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      ['up', 'up'],
      ['down', 'down'],
    ]);
    expect(rows[0]!.error).toBeNull();
    expect(rows[1]!.error).toContain('500');
    expect(rows[0]!.responseTimeMs).toBeGreaterThan(0);
    expect((await readdir(path.join(dir, 'data'))).filter((f) => f.endsWith('.ndjson'))).toHaveLength(1);
  });

  it('secrets from the environment never reach stdout, stderr or data', async () => {
    const secret = 'hunter2-very-secret';
    const dir = await repo({
      'checks/web.yaml': `checks:\n  - id: s\n    kind: http\n    url: ${base}/down?token=\${API_TOKEN}\n    retries: 0\n`,
    });
    const res = await cairn(['check', '--dir', dir, '--json'], { env: { API_TOKEN: secret } });
    expect(res.code).toBe(0);
    expect(res.stdout + res.stderr).not.toContain(secret);
    const { readSamples } = await import('../src/store/samples.ts');
    const { samples } = await readSamples(dir);
    expect(JSON.stringify(samples)).not.toContain(secret);
  });

  it('says a status repo has no cairn.yaml (and which defaults it runs with), in every command that loads it', async () => {
    const dir = await repo({ 'checks/web.yaml': `checks:\n  - id: web\n    kind: http\n    url: ${base}/\n` });
    for (const args of [['validate'], ['check', '--no-write'], ['compact']]) {
      const res = await cairn([...args, '--dir', dir]);
      expect(res.code).toBe(0);
      expect(res.stderr).toContain('warning: cairn.yaml: no settings file in the status repo: running with the defaults (site title "Status", time zone UTC');
    }
  });

  it('validate accepts a status repo of SLOs without checks, and check runs nothing without failing', async () => {
    const dir = await repo({
      'cairn.yaml': [
        'prometheus: { id: prom, url: "http://127.0.0.1:9" }',
        'groups: [{ id: core, name: Core, components: [api] }]',
        'slos:',
        '  - { id: avail, component: api, target: 99.9, sli: { gauge: "probe_success" } }',
        '',
      ].join('\n'),
    });
    const validate = await cairn(['validate', '--dir', dir]);
    expect(validate.code).toBe(0);
    expect(validate.stderr).toContain('Configuration is valid: 0 checks in 1 component');
    const check = await cairn(['check', '--dir', dir]);
    expect(check.code).toBe(0);
    expect(check.stderr).toContain('no checks ran');
  });

  it('unknown commands and options are usage errors (exit 2)', async () => {
    expect((await cairn(['frobnicate'])).code).toBe(2);
    expect((await cairn(['check', '--bogus'])).code).toBe(2);
  });

  it('schema prints JSON Schema', async () => {
    const res = await cairn(['schema']);
    expect(res.code).toBe(0);
    const schema = JSON.parse(res.stdout) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['site', 'checks', 'groups']));
  });
});
