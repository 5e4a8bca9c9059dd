/**
 * Cairn as a user gets it: `npm pack` (prepack compiles it), the tarball installed into an empty
 * folder with production dependencies only, and every command run from there: no TypeScript, no
 * compiler, no Astro at run time. Then the GitHub Action's steps (scripts/action.sh) install the same
 * tarball, and take a newer one: the documented upgrade step.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, serveUrl } from './helpers.ts';
import { cleanEnv, installTarball, packCairn, type PackedFile } from './test-pack.ts';

const run = promisify(execFile);

let tmp: string;
let tarball: string;
let files: PackedFile[];
let bin: string;
let target: http.Server;
let targetUrl: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'cairn-pkg-'));
  ({ tarball, files } = await packCairn(path.join(tmp, 'pack')));
  bin = await installTarball(tarball, path.join(tmp, 'app'));
  target = http.createServer((req, res) => {
    res.statusCode = req.url === '/down' ? 503 : 200;
    res.end('ok');
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
}, 600_000);
afterAll(() => new Promise<void>((r) => target.close(() => r())));

async function cairn(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function git(cwd: string, ...args: string[]): Promise<unknown> {
  return run('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd });
}

describe('the packed package', () => {
  it('holds the compiled CLI and pages, and no sources, tests, fixtures, benchmarks or test helpers', () => {
    const paths = files.map((f) => f.path);
    expect(paths).toContain('bin/cairn.js');
    expect(paths).toContain('dist/cli/main.js');
    expect(paths).toContain('dist/pages/manifest.json');
    expect(paths).toContain('dist/pages/server/entry.mjs');
    expect(paths).toContain('action.yml');
    expect(paths.filter((p) => /\.ts$|\.astro$|\.test\.|(^|\/)test-|testing\.js|fixture|^src\/|^test\/|^bench\/|^scripts\//.test(p))).toEqual([]);
  });

  it('installs with production dependencies only: no compiler, no Astro, no Vite', async () => {
    const modules = await readdir(path.join(tmp, 'app', 'node_modules'));
    for (const dev of ['typescript', 'tsx', 'astro', 'vite', 'esbuild', 'vitest']) expect(modules).not.toContain(dev);
    const { stdout } = await run(process.execPath, [bin, '--version'], { env: cleanEnv() });
    expect(stdout.trim()).toBe(JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('runs init, validate, run --no-push, build, report and serve in a new status repo', async () => {
    const dir = path.join(tmp, 'acme-status');
    const init = await cairn(['init', dir], tmp);
    expect(init.code, init.stderr).toBe(0);
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['cairn-status']).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(JSON.stringify(pkg)).not.toContain('github:');
    await writeFile(
      path.join(dir, 'checks', 'example.yaml'),
      `checks:\n  - { id: home, name: Home, kind: http, url: "${targetUrl}/", retries: 0 }\n  - { id: api, name: API, kind: http, url: "${targetUrl}/down", retries: 0 }\n`,
    );
    // The public address: the API, feeds and calendar need it (without it they are left out).
    const settings = await readFile(path.join(dir, 'cairn.yaml'), 'utf8');
    await writeFile(path.join(dir, 'cairn.yaml'), settings.replace(/^ {2}# baseUrl:.*$/m, '  baseUrl: https://status.acme.test/'));
    await git(tmp, 'init', '-q', '-b', 'main', dir);

    const validate = await cairn(['validate'], dir);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stderr).toContain('Configuration is valid: 2 checks');

    const check = await cairn(['run', '--no-push'], dir);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toMatch(/1 up, 1 down/);
    const { stdout: log } = await run('git', ['log', '--format=%s'], { cwd: dir });
    expect(log).toMatch(/1 up, 1 down/);

    const build = await cairn(['build'], dir);
    expect(build.code, build.stderr).toBe(0);
    const home = await readFile(path.join(dir, 'dist', 'index.html'), 'utf8');
    expect(home).toContain('data-component="home"');
    expect(home).toContain('data-component="api"');
    const summary = JSON.parse(await readFile(path.join(dir, 'dist', 'api', 'v2', 'summary.json'), 'utf8')) as { components: { name: string; status: string }[] };
    expect(summary.components.map((c) => [c.name, c.status]).sort()).toEqual([['API', 'major_outage'], ['Home', 'operational']]);
    const chart = (await readdir(path.join(dir, 'dist', 'assets'))).filter((f) => f.startsWith('chart.'));
    expect(chart).toHaveLength(1);

    const month = new Date().toISOString().slice(0, 7);
    const report = await cairn(['report', '--month', month], dir);
    expect(report.code, report.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'reports', `${month}.html`))).toBe(true);

    // Live mode from the package: the first page comes from the committed data, before any round.
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--rounds', '0'], { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.on('close', r));
    const served = await serveUrl(child, /at (http:\/\/127\.0\.0\.1:\d+\/)/);
    const url = served.url;
    const page = await (await fetch(url)).text();
    expect(page).toContain('data-component="api"');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('runs the demo with no TypeScript at run time', async () => {
    const out = path.join(tmp, 'demo');
    const demo = await cairn(['demo', '--no-serve', '--rounds', '1', '--out', out], tmp);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stderr).not.toContain('Compiling');
    expect(existsSync(path.join(out, 'dist', 'index.html'))).toBe(true);
  });
});

describe('the GitHub Action (action.yml runs scripts/action.sh)', () => {
  const action = path.join(ROOT, 'scripts', 'action.sh');
  const step = async (what: string, env: Record<string, string>, cwd = ROOT) => {
    const { stdout, stderr } = await run('bash', [action, what], { cwd, env: { ...cleanEnv(), GITHUB_ACTION_PATH: ROOT, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return stdout + stderr;
  };
  const outputs = (text: string) => Object.fromEntries(text.trim().split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

  it('installs the version it was released with by default, a given one otherwise, and runs a command on the repo', async () => {
    const version = (JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(outputs(await step('resolve', { INPUT_VERSION: '' }))).toEqual({ spec: `cairn-status@${version}`, key: `npm-${version}` });

    const runnerTemp = await mkdtemp(path.join(tmp, 'runner-'));
    const resolved = outputs(await step('resolve', { INPUT_VERSION: tarball }));
    expect(resolved['spec']).toBe(tarball);
    await step('install', { RUNNER_TEMP: runnerTemp, CAIRN_SPEC: resolved['spec']! });
    // A second Cairn step in the same job does not install again.
    expect(await step('install', { RUNNER_TEMP: runnerTemp, CAIRN_SPEC: resolved['spec']! })).toContain('installed already');
    // The template repository itself: its root is a status repo that validates.
    const validate = await step('run', { RUNNER_TEMP: runnerTemp, INPUT_COMMAND: 'validate' });
    expect(validate).toContain('Configuration is valid');

    // Taking a newer Cairn: the CAIRN_VERSION variable (the action's `version` input) names it.
    const unpacked = await mkdtemp(path.join(tmp, 'unpacked-'));
    await run('tar', ['-xzf', tarball, '-C', unpacked]);
    const pkgFile = path.join(unpacked, 'package', 'package.json');
    const pkg = JSON.parse(await readFile(pkgFile, 'utf8')) as { version: string };
    pkg.version = `${version}-next.1`;
    await writeFile(pkgFile, JSON.stringify(pkg));
    const next = await mkdtemp(path.join(tmp, 'next-'));
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', next], { cwd: path.join(unpacked, 'package'), env: cleanEnv() });
    const nextTarball = path.join(next, (await readdir(next)).find((f) => f.endsWith('.tgz'))!);
    const upgraded = outputs(await step('resolve', { INPUT_VERSION: nextTarball }));
    const log = await step('install', { RUNNER_TEMP: runnerTemp, CAIRN_SPEC: upgraded['spec']! });
    expect(log).toContain(`${version}-next.1`);
    expect(await step('run', { RUNNER_TEMP: runnerTemp, INPUT_COMMAND: '--version' })).toContain(`${version}-next.1`);
  });
});
