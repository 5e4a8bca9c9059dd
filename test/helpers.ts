/** Shared helpers of the end-to-end tests: run the real CLI, serve a folder, find Chromium. */
import { type ChildProcessByStdio, type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const CAIRN = fileURLToPath(new URL('../bin/cairn.js', import.meta.url));
/** The compiled CLI of this test run (test/global-setup.ts, test/test-cli.ts); the checkout's bin/cairn.js without it. */
export const CAIRN_CLI = process.env['CAIRN_TEST_CLI'] || CAIRN;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cairn <args>` as a child process, exactly as a user would (the compiled CLI, as installed). */
export function cairn(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...opts.env };
    // Not on GitHub Actions unless a test asks for it (annotations, job summary).
    if (opts.env?.['GITHUB_ACTIONS'] === undefined) delete env['GITHUB_ACTIONS'];
    const child = spawn(process.execPath, [CAIRN_CLI, ...args], { cwd: opts.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Serves a folder on 127.0.0.1 on a free port. */
export async function serveDir(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const handler = sirv(dir, { dev: true });
  const server = http.createServer((req, res) => handler(req, res, () => {
    res.statusCode = 404;
    res.end();
  }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Whether browser tests can run. In CI (CI=true) a missing Chromium is a failure, never a skip.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env['CI'] === 'true') throw new Error(`Chromium not found at ${CHROMIUM}; .ci/run installs the Debian package "chromium"`);
  return false;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Runs git as a seeding user (no global identity needed); returns stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', ...args], { cwd, encoding: 'utf8', stdio: 'pipe' });
}

/** A target on 127.0.0.1 that answers 503 at /down and 200 anywhere else. */
export async function startUpDownTarget(): Promise<{ base: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    res.statusCode = req.url === '/down' ? 503 : 200;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Waits for a `cairn serve` child to print the address it serves at (matched by `pattern`). */
export function serveUrl(child: ChildProcessWithoutNullStreams | ChildProcessByStdio<null, null, Readable>, pattern = /at (http:\/\/127\.0\.0\.1:\d+\/\S*)/): Promise<{ url: string; stderr: () => string }> {
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = pattern.exec(stderr);
      if (m) resolve({ url: m[1] as string, stderr: () => stderr });
    });
    child.on('close', () => reject(new Error(`serve exited early:\n${stderr}`)));
  });
}
