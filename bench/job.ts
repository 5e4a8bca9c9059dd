/**
 * npm run bench:job — the default monitor job, simulated on this machine from nothing: the packed
 * tarball installed into a fresh checkout from a warm npm cache (`npm ci --omit=dev`, as the
 * workflow does), `cairn --version` (cold start), then the job's one command, `cairn run --build`:
 * 50 checks against local targets, commit, push to a bare remote, build the site.
 *
 *   npm run bench:job -- [--checks 50] [--latency 50]
 *
 * Progress on stderr; the last line of stdout is one JSON object: install_ms, cold_start_ms,
 * check_ms, commit_push_ms, build_ms, total_ms (install + the job's command), tarball_bytes,
 * installed_bytes. Goal: total_ms under 40,000 on 2 cores, so that with checkout and Node set-up a
 * GitHub-hosted job stays inside one billed minute.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { cleanEnv, packCairn } from '../test/test-pack.ts';

const run = promisify(execFile);
const { values } = parseArgs({ options: { checks: { type: 'string' }, latency: { type: 'string' } } });
const CHECKS = Number(values.checks ?? 50);
const LATENCY_MS = Number(values.latency ?? 50);
const log = (s: string) => process.stderr.write(`${s}\n`);
const env = { ...cleanEnv(), CAIRN_PUSH_JITTER_MS: '0' };

async function du(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(path.join(e.parentPath, e.name))).size;
  }
  return total;
}

function git(cwd: string, ...args: string[]) {
  return run('git', ['-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', ...args], { cwd, env });
}

async function timed<T>(name: string, fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await fn();
  const ms = Math.round(performance.now() - started);
  log(`${name}: ${ms} ms`);
  return [result, ms];
}

const root = await mkdtemp(path.join(os.tmpdir(), 'cairn-bench-job-'));
const targets = http.createServer((req, res) => {
  setTimeout(() => {
    res.statusCode = req.url?.endsWith('-7') ? 503 : 200;
    res.end('ok');
  }, LATENCY_MS);
});
try {
  log('Packing Cairn (prepack compiles it)…');
  const { tarball } = await packCairn(path.join(root, 'pack'));
  const tarballBytes = (await stat(tarball)).size;
  await new Promise<void>((r) => targets.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(targets.address() as AddressInfo).port}`;

  // The status repo on its remote, with a lockfile that pins the tarball (what `npm ci` installs).
  log('Seeding the status repo and warming the npm cache…');
  const bare = path.join(root, 'remote.git');
  const seed = path.join(root, 'seed');
  await git(root, 'init', '-q', '--bare', '-b', 'main', bare);
  await git(root, 'init', '-q', '-b', 'main', seed);
  await writeFile(path.join(seed, 'package.json'), `${JSON.stringify({ name: 'bench-status', private: true, dependencies: { 'cairn-status': `file:${tarball}` } }, null, 2)}\n`);
  await writeFile(path.join(seed, '.gitignore'), 'node_modules/\ndist/\n');
  await writeFile(path.join(seed, 'cairn.yaml'), 'site:\n  title: Bench Status\ndefaults:\n  retries: 0\n  timeout: 10s\nstore:\n  git:\n    name: Status Bot\n    email: bot@example.com\n');
  const checks = Array.from({ length: CHECKS }, (_, i) => `  - { id: svc-${i}, name: Service ${i}, kind: http, url: "${base}/svc-${i}" }`).join('\n');
  await run('mkdir', ['-p', path.join(seed, 'checks')]);
  await writeFile(path.join(seed, 'checks', 'services.yaml'), `checks:\n${checks}\n`);
  await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund'], { cwd: seed, env });
  await rm(path.join(seed, 'node_modules'), { recursive: true });
  await git(seed, 'add', '-A');
  await git(seed, 'commit', '-q', '-m', 'seed');
  await git(seed, 'push', '-q', bare, 'main');

  // The job: checkout (not timed: GitHub's own step), install, cold start, the run.
  const dir = path.join(root, 'runner');
  await git(root, 'clone', '-q', bare, dir);
  log('The job:');
  const [, installMs] = await timed('install (npm ci --omit=dev)', () => run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: dir, env }));
  const bin = path.join(dir, 'node_modules', '.bin', 'cairn');
  const [, coldStartMs] = await timed('cold start (cairn --version)', () => run(bin, ['--version'], { cwd: dir, env }));
  const [stderr, runMs] = await timed('cairn run --build', () =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(bin, ['run', '--build', '--out', 'dist'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', (code) => (code === 0 ? resolve(err) : reject(new Error(`cairn run exited ${code}:\n${err}`))));
    }),
  );
  const timing = /Timing: check (\d+) ms, compact, commit and push (\d+) ms, build (\d+) ms/.exec(stderr);
  if (!timing) throw new Error(`no Timing line in the output of cairn run:\n${stderr}`);
  if (!/Pushed to/.test(stderr)) throw new Error(`cairn run did not push:\n${stderr}`);
  const installedBytes = await du(path.join(dir, 'node_modules'));
  const result = {
    checks: CHECKS,
    install_ms: installMs,
    cold_start_ms: coldStartMs,
    check_ms: Number(timing[1]),
    commit_push_ms: Number(timing[2]),
    build_ms: Number(timing[3]),
    run_ms: runMs,
    total_ms: installMs + coldStartMs + runMs,
    tarball_bytes: tarballBytes,
    installed_bytes: installedBytes,
  };
  console.log(JSON.stringify(result));
} finally {
  targets.close();
  await rm(root, { recursive: true, force: true });
}
