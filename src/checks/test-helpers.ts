/**
 * Test helpers for the checks engine: check objects with sensible defaults, and real servers on
 * 127.0.0.1 that record what they received. Used by the tests only.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type {
  JourneyStepSpec,
  ResolvedAssertions,
  ResolvedHealthCheck,
  ResolvedDnsCheck,
  ResolvedDomainCheck,
  ResolvedHeartbeatCheck,
  ResolvedHttpCheck,
  ResolvedJourneyCheck,
  ResolvedPingCheck,
  ResolvedTcpCheck,
  ResolvedTlsCheck,
} from '../config/types.ts';
import { TCP_CONNECT_ONLY } from '../config/resolve.ts';
import type { AttemptContext } from './types.ts';

const common = {
  name: 'Test check',
  description: null,
  component: 'test',
  intervalMs: 300_000,
  timeoutMs: 5_000,
  retries: 0,
  maxGapMs: 900_000,
  enabled: true,
  thresholds: { degradedMs: null, downMs: null },
  source: { file: 'checks/test.yaml', line: 1, column: 1 },
};

export function httpCheck(partial: Partial<ResolvedHttpCheck> = {}): ResolvedHttpCheck {
  return {
    ...common,
    id: 'http-test',
    kind: 'http',
    url: 'http://127.0.0.1:9/',
    method: 'GET',
    headers: {},
    expectStatus: ['2xx'],
    maxRedirects: 5,
    query: {},
    body: null,
    maxBodyBytes: 1024 * 1024,
    assert: null,
    ca: null,
    caFile: null,
    insecureSkipVerify: false,
    ...partial,
  };
}

/** Assertions with nothing asserted; spread the parts a test needs over it. */
export function assertions(partial: Partial<ResolvedAssertions> = {}): ResolvedAssertions {
  return { body: { contains: [], notContains: [], matches: [] }, json: [], headers: [], size: { min: null, max: null }, ...partial };
}

export function healthCheck(partial: Partial<ResolvedHealthCheck> = {}): ResolvedHealthCheck {
  const { kind: _kind, id: _id, ...http } = httpCheck();
  return { ...http, id: 'health-test', kind: 'health', format: 'auto', mapping: null, ...partial };
}

/** A journey step with the defaults of an http check. */
export function journeyStep(partial: Partial<JourneyStepSpec> & { name: string; url: string }): JourneyStepSpec {
  return {
    method: 'GET',
    headers: {},
    query: {},
    body: null,
    expectStatus: ['2xx'],
    maxRedirects: 5,
    maxBodyBytes: 1024 * 1024,
    assert: null,
    extract: {},
    ...partial,
  };
}

export function journeyCheck(partial: Partial<ResolvedJourneyCheck> = {}): ResolvedJourneyCheck {
  return { ...common, id: 'journey-test', kind: 'journey', ca: null, caFile: null, insecureSkipVerify: false, variables: {}, steps: [], ...partial };
}

export function tcpCheck(partial: Partial<ResolvedTcpCheck> = {}): ResolvedTcpCheck {
  return { ...common, ...TCP_CONNECT_ONLY, id: 'tcp-test', kind: 'tcp', host: '127.0.0.1', port: 9, ...partial };
}

export function tlsCheck(partial: Partial<ResolvedTlsCheck> = {}): ResolvedTlsCheck {
  return { ...common, id: 'tls-test', kind: 'tls', host: '127.0.0.1', port: 443, servername: null, warningDays: 14, criticalDays: 7, ca: null, caFile: null, ...partial };
}

export function dnsCheck(partial: Partial<ResolvedDnsCheck> = {}): ResolvedDnsCheck {
  return { ...common, id: 'dns-test', kind: 'dns', query: 'example.test', record: 'A', server: null, expect: [], match: 'all', ...partial };
}

export function pingCheck(partial: Partial<ResolvedPingCheck> = {}): ResolvedPingCheck {
  return {
    ...common,
    id: 'ping-test',
    kind: 'ping',
    host: '127.0.0.1',
    port: 9,
    count: 3,
    icmp: false,
    loss: { degradedPercent: 0, downPercent: 50 },
    ...partial,
  };
}

export function domainCheck(partial: Partial<ResolvedDomainCheck> = {}): ResolvedDomainCheck {
  return { ...common, id: 'domain-test', kind: 'domain', domain: 'example.com', warningDays: 30, criticalDays: 7, rdap: null, rdapBootstrap: 'http://127.0.0.1:9/dns.json', ...partial };
}

export function heartbeatCheck(partial: Partial<ResolvedHeartbeatCheck> = {}): ResolvedHeartbeatCheck {
  return { ...common, id: 'heartbeat-test', kind: 'heartbeat', periodMs: 3_600_000, graceMs: 600_000, ...partial };
}

/** An attempt context as the engine builds it: a timeout signal, optionally another to follow. */
export function attemptContext(timeoutMs: number): AttemptContext {
  return { signal: AbortSignal.timeout(timeoutMs), timeoutMs };
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface TestServer {
  port: number;
  /** `http://127.0.0.1:<port><path>` (or https). */
  url(path?: string): string;
  requests: RecordedRequest[];
  /** Most requests in flight at once (counted from request start to response close). */
  maxInFlight: number;
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void | Promise<void>;

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

async function serve(server: http.Server, protocol: 'http' | 'https', handler: Handler): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.once('close', () => (inFlight -= 1));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      Promise.resolve(handler(req, res, body)).catch((err: unknown) => {
        res.destroy(err instanceof Error ? err : new Error(String(err)));
      });
    });
  });
  const port = await listen(server);
  return {
    port,
    url: (path = '/') => `${protocol}://127.0.0.1:${port}${path}`,
    requests,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function startHttpServer(handler: Handler): Promise<TestServer> {
  return serve(http.createServer(), 'http', handler);
}

export function startHttpsServer(cert: { key: string; cert: string }, handler: Handler): Promise<TestServer> {
  return serve(https.createServer(cert) as unknown as http.Server, 'https', handler);
}

/** A self-signed certificate for 127.0.0.1 made with the openssl CLI. */
export async function selfSignedCert(): Promise<{ key: string; cert: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-cert-'));
  try {
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]);
    return { key: await readFile(join(dir, 'key.pem'), 'utf8'), cert: await readFile(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A raw TCP server; `onConnection` decides what to do with each socket. */
export async function startTcpServer(
  onConnection: (socket: net.Socket) => void = () => undefined,
): Promise<{ port: number; connections: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const state = { connections: 0 };
  const server = net.createServer((socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  const port = await listen(server);
  return {
    port,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens (bound, then closed): connecting is refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A port where connections hang in the SYN stage: a listening socket that never accepts, whose
 * accept queue is filled first. Node always accepts, so the listener is a small perl process.
 */
export async function unresponsivePort(opts: { fill?: boolean } = {}): Promise<{ port: number; close(): Promise<void> }> {
  const script =
    'use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 1) or die "listen: $!"; ' +
    '$| = 1; print $s->sockport, "\\n"; <STDIN>;';
  const child = spawn('perl', ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`perl listener exited with ${code}`)));
    child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
  });
  const fillers: net.Socket[] = [];
  // Unfilled (fill: false), the kernel still completes 2 connections (backlog 1 + 1), then hangs.
  for (let i = 0; i < (opts.fill === false ? 0 : 64); i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    fillers.push(socket);
    const connected = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      setTimeout(() => resolve(false), 400);
    });
    if (!connected) break;
  }
  return {
    port,
    close: async () => {
      for (const s of fillers) s.destroy();
      child.stdin.end();
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A test CA and a server certificate for 127.0.0.1 signed by it, made with the openssl CLI.
 * `ca` is the CA certificate (PEM) a client must trust to accept `cert`.
 */
export async function caSignedCert(): Promise<{ ca: string; key: string; cert: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-ca-'));
  const run = (args: string[]) => promisify(execFile)('openssl', args);
  const f = (name: string) => join(dir, name);
  try {
    await run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Cairn Test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout', f('ca.key'), '-out', f('ca.pem')]);
    await run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('server.key'), '-out', f('server.csr')]);
    await writeFile(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
    await run(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial',
      '-days', '1', '-extfile', f('ext.cnf'), '-out', f('server.pem')]);
    const [ca, key, cert] = await Promise.all([readFile(f('ca.pem'), 'utf8'), readFile(f('server.key'), 'utf8'), readFile(f('server.pem'), 'utf8')]);
    return { ca, key, cert };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether this machine has the IPv6 loopback (::1); tests over ::1 fail in CI without it. */
export async function hasIpv6Loopback(): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => server.close(() => resolve(true)));
  });
}
