/**
 * The global deadline bounds the whole command (src/cli/deadline.ts): targets that hang, a
 * receiver that hangs, a remote that hangs. The process must end within the deadline plus the
 * documented grace, and promptly after its last word. Bounds are generous (the start of a Node
 * process on a loaded 2-core box takes seconds): the failures they catch take a minute or never end.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEADLINE_GRACE_MS } from '../src/cli/deadline.ts';
import { readNotifyState } from '../src/notify/state.ts';
import { CAIRN_CLI, git, ROOT } from './helpers.ts';

const DEADLINE_S = 12;
/** Deadline + grace + room for a slow start; what this catches hangs for 60 s or for ever. */
const BOUND_MS = DEADLINE_S * 1000 + DEADLINE_GRACE_MS + 10_000;

let hangHttp: http.Server;
let hangTcp: net.Server;
let receiver: http.Server;
let hookRequests = 0;
const ports = { http: 0, tcp: 0, hook: 0, closed: 0 };
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  hangHttp = http.createServer(() => undefined); // never answers
  hangTcp = net.createServer((s) => void sockets.add(s)); // accepts, never speaks TLS
  receiver = http.createServer(() => void hookRequests++); // a webhook receiver that hangs
  await Promise.all([hangHttp, hangTcp, receiver].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))));
  const closed = net.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  ports.closed = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r())); // refused: a check that is down at once
  ports.http = (hangHttp.address() as AddressInfo).port;
  ports.tcp = (hangTcp.address() as AddressInfo).port;
  ports.hook = (receiver.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  for (const s of [hangHttp, receiver]) s.closeAllConnections();
  for (const s of [hangHttp, hangTcp, receiver]) await new Promise<void>((r) => s.close(() => r()));
});


/** A status repo whose checks hang (and one is down), alerting a receiver that hangs. */
async function statusRepo(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-deadline-'));
  await mkdir(path.join(dir, 'checks'));
  await writeFile(
    path.join(dir, 'cairn.yaml'),
    `site:\n  title: Deadline\ndefaults:\n  deadline: ${DEADLINE_S}s\n  timeout: 60s\n  retries: 0\nnotifications:\n  channels:\n    hook: { type: webhook, url: "http://127.0.0.1:${ports.hook}/hook", secret: "\${HOOK_SECRET}", timeout: 60s, retries: 0 }\n`,
  );
  await writeFile(
    path.join(dir, 'checks', 'hang.yaml'),
    `checks:
  - { id: web, kind: http, url: "http://127.0.0.1:${ports.http}/" }
  - { id: cert, kind: tls, host: 127.0.0.1, port: ${ports.tcp} }
  - { id: db, kind: tcp, host: 127.0.0.1, port: ${ports.closed} }
`,
  );
  git(os.tmpdir(), 'init', '-q', '-b', 'main', dir);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'seed');
  return dir;
}

interface Timed {
  code: number | null;
  stderr: string;
  /** Milliseconds from the spawn: to the exit, to the last line, to the `Done:` line. */
  exitMs: number;
  lastLineMs: number;
  doneMs: number | null;
}

/** Runs the CLI and times its lines and its exit, killing it (and failing) past `BOUND_MS`. */
function timedCairn(args: string[]): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const env: NodeJS.ProcessEnv = { ...process.env, HOOK_SECRET: 'deadline-secret', CAIRN_PUSH_JITTER_MS: '50' };
    delete env['GITHUB_ACTIONS'];
    const child = spawn(process.execPath, [CAIRN_CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let lastLineMs = 0;
    let doneMs: number | null = null;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      lastLineMs = performance.now() - start;
      if (doneMs === null && /\nDone: /.test(stderr)) doneMs = lastLineMs;
    });
    const bound = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running ${BOUND_MS} ms after it started (deadline ${DEADLINE_S} s):\n${stderr}`));
    }, BOUND_MS);
    child.on('exit', (code) => {
      clearTimeout(bound);
      resolve({ code, stderr, exitMs: performance.now() - start, lastLineMs, doneMs });
    });
  });
}

describe('the global deadline bounds the command', { timeout: 120_000 }, () => {
  it('hanging targets and a hanging remote: the push is stopped at the deadline, one sentence, exit 1, no alert sent', async () => {
    const dir = await statusRepo();
    // A remote that accepts the connection and never answers.
    git(dir, 'config', 'protocol.ext.allow', 'always');
    git(dir, 'remote', 'add', 'origin', 'ext::sleep 30');
    git(dir, 'config', 'branch.main.remote', 'origin');
    git(dir, 'config', 'branch.main.merge', 'refs/heads/main');
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    const before = hookRequests;
    const res = await timedCairn(['run', '--dir', dir]);
    expect(res.stderr).toMatch(/web skipped \(no result stored\): unfinished: the global deadline of 12000 ms passed/);
    expect(res.stderr).toContain('Incident opened for db');
    // On a loaded machine the deadline can pass before the first push attempt: then no count is said.
    expect(res.stderr).toMatch(/error: could not push to origin\/main: the run's deadline passed( after 1 attempt)? \(the commit stays in the local branch\); no notification was sent/);
    expect(res.stderr).not.toContain('internal error');
    expect(res.code).toBe(1);
    expect(hookRequests).toBe(before);
    // Prompt: no lingering after the last word, and the push was given only what was left.
    expect(res.exitMs - res.lastLineMs).toBeLessThan(2000);
    expect(res.doneMs).not.toBeNull();
    expect(res.exitMs - (res.doneMs as number)).toBeLessThan(DEADLINE_S * 1000);
  });

  it('hanging targets and a hanging receiver: the delivery is stopped at the deadline and stays owed; exit 0', async () => {
    const dir = await statusRepo();
    const before = hookRequests;
    const res = await timedCairn(['run', '--dir', dir, '--no-push']);
    expect(res.stderr).toContain('Incident opened for db');
    expect(res.stderr).toMatch(/notify ✕ hook: failed trigger incident\.opened .*not sent: the run's deadline passed/);
    expect(res.code).toBe(0);
    expect(hookRequests).toBe(before + 1);
    expect(res.exitMs - res.lastLineMs).toBeLessThan(2000);
    // Owed to a later run, with its id (claimed by this run until its claim runs out).
    const state = await readNotifyState(dir);
    expect(state.outbox.map((m) => [m.channel, m.event.type]), JSON.stringify(state.outbox, null, 1)).toEqual([['hook', 'incident.opened']]);
  });
});
