/**
 * `cairn import statuspage|gatus|uptime-kuma` through the real CLI: Statuspage read from a real
 * HTTP server on loopback, exit codes, dry runs that write nothing, second runs that change
 * nothing, `cairn validate` on the result, secrets never written, and imported Gatus checks run
 * by `cairn check` against a real server with Gatus' verdicts.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cairn, ROOT, serveDir } from './helpers.ts';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'import');
const tmp = () => mkdtemp(path.join(os.tmpdir(), 'cairn-cli-import-peer-'));

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      out[path.relative(dir, file)] = await readFile(file, 'utf8');
    }
  }
  return out;
}

const env = (names: string[]) => Object.fromEntries(names.map((n) => [n, /URL$|WEBHOOK$/.test(n) ? 'https://hooks.example.test/x' : 'set-in-test']));

describe('cairn import statuspage', () => {
  let server: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    server = await serveDir(path.join(FIXTURES, 'statuspage'));
  });
  afterAll(async () => server.close());

  it('imports a page served over HTTP; a second run changes nothing; validate accepts the result', async () => {
    const dir = await tmp();
    const res = await cairn(['import', 'statuspage', server.url, '--dir', dir]);
    expect(res.stderr).not.toContain('error');
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('warning: not carried over: uptime history of the 5 components: Statuspage keeps no check results');
    expect(res.stderr).toContain('warning: not carried over: component "API" (api) has no check on Statuspage: a disabled placeholder check is written');
    expect(res.stderr.trimEnd().split('\n').at(-1)).toBe(
      'Imported 5 components, 1 group, 2 incidents, 2 maintenance windows from Statuspage; not carried over: 1 component group, 1 component option, 1 incident, 1 maintenance, 1 maintenance update, 5 checks, 5 component histories, 1 setting',
    );
    const files = await tree(dir);
    expect(Object.keys(files).sort()).toEqual(['cairn.yaml', 'checks/statuspage.yaml', 'incidents/statuspage-k5ymvxf0ybqg.md', 'incidents/statuspage-p31zjtct2jer.md']);

    const again = await cairn(['import', 'statuspage', `${server.url}/api/v2/`, '--dir', dir]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('(already in place: nothing to write)');
    expect(await tree(dir)).toEqual(files);

    const validate = await cairn(['validate', '--dir', dir]);
    expect(validate.code).toBe(0);
    expect(validate.stderr).toContain('5 checks in 5 components, 2 maintenance windows, 2 incidents');
  });

  it('--dry-run prints what it would write and writes nothing; an unreachable page exits 2', async () => {
    const dir = await tmp();
    const dry = await cairn(['import', 'statuspage', server.url, '--dir', dir, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain('would create checks/statuspage.yaml');
    expect(dry.stderr).toContain('Dry run: would import 5 components');
    expect(dry.stdout).toContain('# ---- checks/statuspage.yaml (create) ----');
    expect(dry.stdout).toContain('# ---- incidents/statuspage-p31zjtct2jer.md (create) ----');
    expect(dry.stdout).toContain('status: identified');
    expect(await readdir(dir)).toEqual([]);

    const gone = await cairn(['import', 'statuspage', 'http://127.0.0.1:9/', '--dir', dir]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('http://127.0.0.1:9/api/v2/');
    expect(gone.stderr).toContain('could not fetch');
    const empty = await cairn(['import', 'statuspage', dir, '--dir', dir]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no components.json or summary.json');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('cairn import gatus', () => {
  const config = path.join(FIXTURES, 'gatus', 'config.yaml');
  const SECRETS = ['XXXXXXXXXXXXXXXXXXXX', '0123456789abcdef0123456789abcdef', 'SECRETSIG', 'hunter2-smtp', 'custom-token-1', 's3cr3t-api-token'];

  it('imports checks, groups, channels and routes; writes no secret; validate accepts it with the secrets set; idempotent', async () => {
    const dir = await tmp();
    const res = await cairn(['import', 'gatus', config, '--dir', dir]);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('warning: not carried over: endpoint "API health": condition "len([BODY].data) == 3": len() has no Cairn assertion');
    expect(res.stderr).toContain('note: the imported configuration needs these environment variables (Actions secrets): SLACK_WEBHOOK_URL, DISCORD_WEBHOOK');
    expect(res.stderr.trimEnd().split('\n').at(-1)).toMatch(/^Imported 12 checks, 4 groups, 6 channels, 5 routes, 2 maintenance windows from Gatus; not carried over: /);
    const files = await tree(dir);
    const all = Object.values(files).join('\n') + res.stderr + res.stdout;
    for (const s of SECRETS) expect(all).not.toContain(s);
    const names = /Secrets \(set them in the environment \/ Actions secrets\): (.*)/.exec(files['checks/gatus.yaml'] ?? '')?.[1]?.split(', ') ?? [];
    expect(names).toContain('CUSTOM_WEBHOOK_SECRET');
    const invalid = await cairn(['validate', '--dir', dir]);
    expect(invalid.code).toBe(2);
    const validate = await cairn(['validate', '--dir', dir], { env: env(names) });
    expect(validate.stderr).toContain('12 checks in 10 components, 2 maintenance windows');
    expect(validate.code).toBe(0);

    const again = await cairn(['import', 'gatus', config, '--dir', dir]);
    expect(again.code).toBe(0);
    expect(await tree(dir)).toEqual(files);
  });

  it('runs the imported checks with Gatus\' verdicts against a real server', async () => {
    const server = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/ok' ? { status: 'UP', queue: { depth: 3 } } : { status: 'DOWN', queue: { depth: 3 } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const dir = await tmp();
      const file = path.join(dir, 'gatus.yaml');
      const conditions = ['[STATUS] == 200', '[BODY].status == UP', '[BODY].queue.depth < 10', '[RESPONSE_TIME] < 5000'];
      await writeFile(file, `endpoints:\n${['ok', 'bad'].map((n) => `  - name: ${n}\n    url: ${base}/${n}\n    conditions:\n${conditions.map((c) => `      - "${c}"`).join('\n')}\n`).join('')}`);
      expect((await cairn(['import', 'gatus', file, '--dir', dir])).code).toBe(0);
      const check = await cairn(['check', '--dir', dir, '--json', '--no-write']);
      expect(check.code).toBe(0);
      const results = JSON.parse(check.stdout) as { id: string; status: string; error: string | null }[];
      expect(results.find((r) => r.id === 'ok')).toMatchObject({ status: 'up', error: null });
      const bad = results.find((r) => r.id === 'bad');
      expect(bad?.status).toBe('down');
      expect(bad?.error).toContain('$.status');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('exits 2 on a file that is not a Gatus configuration, and refuses to overwrite an edited import', async () => {
    const dir = await tmp();
    const bad = await cairn(['import', 'gatus', path.join(FIXTURES, 'uptime-kuma', 'backup.json'), '--dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no "endpoints" list');
    expect((await cairn(['import', 'gatus', config, '--dir', dir])).code).toBe(0);
    const checks = path.join(dir, 'checks', 'gatus.yaml');
    await writeFile(checks, `${await readFile(checks, 'utf8')}# mine\n`);
    const refused = await cairn(['import', 'gatus', config, '--dir', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`refusing to overwrite ${checks}`);
    expect((await cairn(['import', 'gatus'])).code).toBe(2);
    expect((await cairn(['import', 'gatus', config, '--issues', 'x.json'])).code).toBe(2);
  });
});

describe('cairn import uptime-kuma', () => {
  const backup = path.join(FIXTURES, 'uptime-kuma', 'backup.json');

  it('imports a backup; dry run writes nothing; second run changes nothing; validate accepts it', async () => {
    const dir = await tmp();
    const dry = await cairn(['import', 'uptime-kuma', backup, '--dir', dir, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('# ---- checks/uptime-kuma.yaml (create) ----');
    expect(dry.stdout).toContain('# ---- cairn.yaml (create) ----');
    expect(await readdir(dir)).toEqual([]);

    const res = await cairn(['import', 'uptime-kuma', backup, '--dir', dir]);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('warning: not carried over: monitor "Nightly backup": type "push" has no Cairn check kind');
    expect(res.stderr.trimEnd().split('\n').at(-1)).toBe(
      'Imported 10 checks, 2 groups, 5 channels, 3 routes, 4 maintenance windows from Uptime Kuma; not carried over: 2 notifications, 1 notification option, 5 monitors, 2 monitor options, 2 maintenances',
    );
    const files = await tree(dir);
    const all = Object.values(files).join('\n') + res.stderr;
    for (const s of ['kumaSlackSecret', 'kuma-pd-key-0001', 'kuma-smtp-pass', 'kuma-secret-key-123', 'intranet-pass-9']) expect(all).not.toContain(s);
    const names = /Secrets \(set them in the environment \/ Actions secrets\): (.*)/.exec(files['checks/uptime-kuma.yaml'] ?? '')?.[1]?.split(', ') ?? [];
    const validate = await cairn(['validate', '--dir', dir], { env: env(names) });
    expect(validate.stderr).toContain('10 checks in 9 components, 4 maintenance windows');
    expect(validate.code).toBe(0);

    const again = await cairn(['import', 'uptime-kuma', backup, '--dir', dir]);
    expect(again.stderr).toContain('(already in place: nothing to write)');
    expect(await tree(dir)).toEqual(files);
  });

  it('imports next to a Gatus import: fresh ids, channels added to cairn.yaml, a clashing channel kept and reported; idempotent', async () => {
    const dir = await tmp();
    expect((await cairn(['import', 'gatus', path.join(FIXTURES, 'gatus', 'config.yaml'), '--dir', dir])).code).toBe(0);
    const res = await cairn(['import', 'uptime-kuma', backup, '--dir', dir]);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('update cairn.yaml');
    expect(res.stderr).toContain('not carried over: channel "discord": cairn.yaml already has a channel of that name with other settings');
    const files = await tree(dir);
    expect(files['checks/uptime-kuma.yaml']).toContain('id: website-2\n');
    expect(files['checks/gatus.yaml']).toContain('id: website\n');
    expect(files['cairn.yaml']).toContain('ops-slack:');
    expect(files['cairn.yaml']).toContain('url: ${DISCORD_WEBHOOK}');
    const names = [...new Set([...Object.values(files).join('\n').matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1] as string))];
    const validate = await cairn(['validate', '--dir', dir], { env: env(names) });
    expect(validate.code).toBe(0);
    const again = await cairn(['import', 'uptime-kuma', backup, '--dir', dir]);
    expect(again.code).toBe(0);
    expect(await tree(dir)).toEqual(files);
  });
});
