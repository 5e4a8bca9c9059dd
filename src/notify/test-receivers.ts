/**
 * Real receivers on 127.0.0.1 for the notification tests: an HTTP server that records every
 * request and answers as scripted (status, headers, body, or a stall), and an SMTP server
 * (`smtp-server`) that records every mail. Used by the tests only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Recorded {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: unknown;
}

export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'stall';

export interface Receiver {
  url: string;
  requests: Recorded[];
  /** Replies for the next requests to a path (first match of the path prefix), in order. */
  script(pathPrefix: string, ...replies: Reply[]): void;
  /** The default reply of a path prefix once its script is used up. */
  fallback(pathPrefix: string, reply: (req: Recorded) => Reply): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const requests: Recorded[] = [];
  const scripts: [string, Reply[]][] = [];
  const fallbacks: [string, (req: Recorded) => Reply][] = [];
  const stalled = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
      const rec: Recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json };
      requests.push(rec);
      const queue = scripts.find(([p, q]) => rec.path.startsWith(p) && q.length > 0)?.[1];
      const reply: Reply = queue?.shift() ?? fallbacks.find(([p]) => rec.path.startsWith(p))?.[1](rec) ?? { status: 200, body: 'ok' };
      if (reply === 'stall') {
        stalled.add(res);
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (p, ...replies) => scripts.push([p, replies]),
    fallback: (p, fn) => fallbacks.push([p, fn]),
    async close() {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  user: string | null;
}

export interface MailReceiver {
  port: number;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

/** A real SMTP server on loopback, without TLS, accepting one user/password when given. */
export async function startSmtp(auth?: { user: string; pass: string }): Promise<MailReceiver> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !auth,
    logger: false,
    onAuth(a, _session, cb) {
      if (auth && a.username === auth.user && a.password === auth.pass) cb(null, { user: a.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: typeof session.user === 'string' ? session.user : null,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
