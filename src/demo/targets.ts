/**
 * Local demo targets on 127.0.0.1, so the demo works with no internet: a healthy service, a slow
 * one, one that fails, one that flaps, a TCP service, and an RDAP registry for the domain check.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface DemoTargets {
  healthy: string;
  slow: string;
  failing: string;
  flapping: string;
  tcp: { host: string; port: number };
  /** Base URL of a local RDAP server (`<rdap>domain/<name>`): every domain registered, expiring in 200 days. */
  rdap: string;
  /** Milliseconds the slow target waits before answering. */
  slowDelayMs: number;
  close(): Promise<void>;
}

function listen(server: http.Server | net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** An RDAP domain object (RFC 9083) as a registry sends it: registered in 2019, expiring 200 days after `now`. */
function rdapDomain(name: string, now: number): Record<string, unknown> {
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    objectClassName: 'domain',
    ldhName: name.toUpperCase(),
    status: ['client transfer prohibited'],
    entities: [
      {
        objectClassName: 'entity',
        roles: ['registrar'],
        publicIds: [{ type: 'IANA Registrar ID', identifier: '9999' }],
        vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', 'Demo Registrar, Inc.']]],
      },
    ],
    events: [
      { eventAction: 'registration', eventDate: '2019-04-02T09:30:00Z' },
      // Renewed every year on the same day: 200 days from now, at midnight UTC.
      { eventAction: 'expiration', eventDate: iso(Math.floor(now / 86_400_000 + 200) * 86_400_000) },
      { eventAction: 'last changed', eventDate: iso(Math.floor(now / 86_400_000 - 165) * 86_400_000) },
    ],
    rdapConformance: ['rdap_level_0'],
  };
}

export async function startDemoTargets(opts: { slowDelayMs?: number } = {}): Promise<DemoTargets> {
  const slowDelayMs = opts.slowDelayMs ?? 1200;
  let flapCount = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const route = (req.url ?? '/').split('?')[0];
    switch (route) {
      case '/healthy':
        return json(res, 200, { status: 'pass' });
      case '/slow': {
        const t = setTimeout(() => {
          timers.delete(t);
          json(res, 200, { status: 'pass', note: `answered after ${slowDelayMs} ms` });
        }, slowDelayMs);
        timers.add(t);
        return undefined;
      }
      case '/failing':
        return json(res, 503, { status: 'fail', error: 'database connection pool exhausted' });
      case '/rdap/domain/cairn-demo.example':
        res.writeHead(200, { 'content-type': 'application/rdap+json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(rdapDomain('cairn-demo.example', Date.now())));
        return undefined;
      case '/flapping':
        flapCount += 1;
        return flapCount % 2 === 1 ? json(res, 200, { status: 'pass' }) : json(res, 500, { status: 'fail' });
      default:
        return json(res, 404, { error: 'not found' });
    }
  });
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
    socket.end('220 cairn-demo ready\r\n');
  });
  const [httpPort, tcpPort] = await Promise.all([listen(server), listen(tcp)]);
  const base = `http://127.0.0.1:${httpPort}`;
  return {
    healthy: `${base}/healthy`,
    slow: `${base}/slow`,
    failing: `${base}/failing`,
    flapping: `${base}/flapping`,
    tcp: { host: '127.0.0.1', port: tcpPort },
    rdap: `${base}/rdap/`,
    slowDelayMs,
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await Promise.all([
        new Promise<void>((r) => server.close(() => r())),
        new Promise<void>((r) => tcp.close(() => r())),
      ]);
    },
  };
}
