/** `cairn serve`: checks on a schedule in-process, pages rendered on request from the current model. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.ts';
import { buildModel } from '../src/site/build.ts';
import { dataStamp, readModelCache, writeModelCache } from '../src/site/model-cache.ts';
import { appendRun } from '../src/store/samples.ts';
import { readStore } from '../src/store/store.ts';
import { CAIRN, serveUrl } from './helpers.ts';

describe('cairn serve', () => {
  it('runs rounds on its interval and serves the page of the latest finished round', async () => {
    let requests = 0;
    // Up for the first round, down from the second on.
    const target = http.createServer((_req, res) => {
      requests += 1;
      res.statusCode = requests === 1 ? 200 : 503;
      res.end();
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-serve-'));
    await mkdir(path.join(dir, 'checks'));
    await writeFile(path.join(dir, 'checks', 'a.yaml'), `checks:\n  - { id: web, name: Web, kind: http, url: "http://127.0.0.1:${(target.address() as AddressInfo).port}/", retries: 0 }\n`);

    const env = { ...process.env };
    for (const k of ['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'GITHUB_ACTIONS']) delete env[k];
    const child = spawn(process.execPath, [CAIRN, 'serve', '--dir', dir, '--port', '0', '--interval', '8s', '--rounds', '3'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.on('close', r));
    const served = await serveUrl(child, /at (http:\/\/127\.0\.0\.1:\d+\/)/);
    const url = served.url;
    const statusOf = async () => /data-component="web" data-status="(\w+)"/.exec(await (await fetch(url)).text())?.[1];
    const rebuilds = () => served.stderr().split('Page updated after round').length - 1;
    const waitFor = async (n: number) => {
      while (rebuilds() < n) await new Promise((r) => setTimeout(r, 50));
    };
    await waitFor(1); // round 1 finished
    expect(await statusOf()).toBe('up');
    await waitFor(2); // round 2: the served page follows the data
    expect(await statusOf()).toBe('down');
    expect(await exited).toBe(0);
    // After the first model (a whole read, in a child process), a round's model reads again only its day file.
    expect(served.stderr()).toMatch(/Page updated after round 3 \(model computed in [\d.]+ s, 1 day file read\)\./);
    const { samples } = await readStore(dir);
    expect(samples.map((s) => s.status)).toEqual(['up', 'down', 'down']);
    target.close();
  }, 120_000);

  it('answers before any round, serves under the base path, and stops on the first SIGTERM', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-serve-'));
    await mkdir(path.join(dir, 'checks'));
    await writeFile(path.join(dir, 'cairn.yaml'), 'site:\n  title: Live\n  baseUrl: https://status.example.com/live/\n');
    // A target that never answers: the round is still running while the page is served.
    const hang = http.createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
    await writeFile(path.join(dir, 'checks', 'a.yaml'), `checks:\n  - { id: web, name: Web, kind: http, url: "http://127.0.0.1:${(hang.address() as AddressInfo).port}/", timeout: 30s, retries: 0 }\n`);
    const env = { ...process.env };
    for (const k of ['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'GITHUB_ACTIONS']) delete env[k];
    const child = spawn(process.execPath, [CAIRN, 'serve', '--dir', dir, '--port', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.on('close', r));
    const served = await serveUrl(child, /at (http:\/\/127\.0\.0\.1:\d+\/live\/)/);
    const url = served.url;
    const home = await fetch(url);
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('data-component="web"');
    expect(html).toContain('href="/live/incidents/"');
    expect((await fetch(new URL('components/web/', url))).status).toBe(200);
    expect((await fetch(new URL('api/v2/summary.json', url))).status).toBe(200);
    const cairnApi = await fetch(new URL('api/cairn/v1/components.json', url));
    expect([cairnApi.status, cairnApi.headers.get('content-type')]).toEqual([200, 'application/json; charset=utf-8']);
    expect(((await cairnApi.json()) as { components: { id: string }[] }).components.map((c) => c.id)).toContain('web');
    expect((await fetch(new URL('components/nope/', url))).status).toBe(404);
    expect(served.stderr()).not.toContain('Page updated');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(served.stderr()).toContain('Stopped.');
    hang.closeAllConnections();
    hang.close();
  }, 120_000);

  /** A status repo with one check and a day of history, served by a child process that runs no rounds. */
  async function repoWithHistory(): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-serve-cache-'));
    await mkdir(path.join(dir, 'checks'));
    await writeFile(path.join(dir, 'checks', 'a.yaml'), 'checks:\n  - { id: web, name: Web, kind: tcp, host: 127.0.0.1, port: 9 }\n');
    const start = Date.now() - 86_400_000;
    for (let t = start; t < Date.now(); t += 3_600_000) {
      const at = new Date(t).toISOString();
      await appendRun(dir, { v: 1, t: at, r: [{ id: 'web', s: 'up', t: at, ms: 12, e: null }] });
    }
    return dir;
  }

  function serveChild(dir: string, args: string[] = []) {
    const env = { ...process.env };
    for (const k of ['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'GITHUB_ACTIONS']) delete env[k];
    const child = spawn(process.execPath, [CAIRN, 'serve', '--dir', dir, '--port', '0', '--rounds', '0', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.on('close', r));
    return { child, exited, served: serveUrl(child, /at (http:\/\/127\.0\.0\.1:\d+\/)/) };
  }

  const updatedAt = async (url: string) => ((await (await fetch(new URL('api/v2/status.json', url))).json()) as { page: { updated_at: string } }).page.updated_at;
  const until = async (test: () => boolean) => {
    while (!test()) await new Promise((r) => setTimeout(r, 50));
  };

  it('starts from the cached model, then serves the model it computed and caches it; stops on the first SIGINT', async () => {
    const dir = await repoWithHistory();
    // The cache `cairn build` (or an earlier `cairn serve`) leaves: a model of an hour ago.
    const config = await loadConfig(dir);
    const earlier = await buildModel(config, Date.now() - 3_600_000);
    await writeModelCache(dir, earlier, await dataStamp(dir));
    const { child, exited, served } = serveChild(dir);
    const { url, stderr } = await served;
    // The line after the URL's may arrive in a later chunk of the pipe: wait for it (or for the computed model, which would mean the cache was not used).
    await until(() => /\(cached|Model computed/.test(stderr()));
    expect(stderr()).toContain(`Serving the model of ${earlier.generatedAt} (cached) until the current one is computed.`);
    const first = await updatedAt(url);
    // Until the current model is computed, the page is the cached one.
    if (!stderr().includes('Model computed')) expect(first).toBe(earlier.generatedAt);
    await until(() => stderr().includes('Model computed'));
    const now = await updatedAt(url);
    expect(Date.parse(now)).toBeGreaterThan(Date.parse(earlier.generatedAt));
    // The computed model is the cache of the next start; the folder ignores itself.
    const cached = await readModelCache(dir);
    expect(cached?.model.generatedAt).toBe(now);
    // Its series own their arrays: a view into the file read would keep the whole file alive.
    const series = cached!.model.checks[0]!.responseTimes;
    expect(series.t.length).toBeGreaterThan(0);
    expect(series.t.buffer.byteLength).toBe(series.t.byteLength);
    expect(await readFile(path.join(dir, '.cairn', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr()).toContain('Stopped.');
  }, 120_000);

  it('ignores a cache it cannot use, and a SIGTERM while the model is computed stops it at once with nothing half-written', async () => {
    const dir = await repoWithHistory();
    await mkdir(path.join(dir, '.cairn'));
    await writeFile(path.join(dir, '.cairn', 'model.bin'), 'not a model cache\n');
    const { child, exited, served } = serveChild(dir);
    const { stderr } = await served;
    expect(stderr()).not.toContain('cached');
    // The first model is being computed (in a child process) when the signal comes.
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr()).toContain('Stopped.');
    expect(stderr()).not.toMatch(/could not be read|Error/);
    // The cache is the old file or a whole new one, never a part of one; no temporary file is left.
    const cache = await readFile(path.join(dir, '.cairn', 'model.bin'));
    if (cache.toString('utf8') !== 'not a model cache\n') expect(await readModelCache(dir)).not.toBeNull();
    expect((await readdir(path.join(dir, '.cairn'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(path.join(dir, 'data'))).toBe(true);
  }, 120_000);
});
