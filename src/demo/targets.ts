/**
 * Local demo targets on 127.0.0.1, so the demo works with no internet: a healthy service, a slow
 * one, one that fails, one that flaps, and a TCP service.
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
