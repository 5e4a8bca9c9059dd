/**
 * A tiny authoritative DNS server over UDP for the tests (node:dgram): answers the records of a
 * fixed zone, NXDOMAIN for names it does not know, an empty NOERROR answer for a known name
 * without records of the asked type, SERVFAIL for names listed in `servfail`, and nothing at all
 * for names in `silent` (to test timeouts). Answers only class IN. Used by the tests only.
 */
import dgram from 'node:dgram';
import net from 'node:net';

export interface Mx {
  priority: number;
  exchange: string;
}

export interface ZoneEntry {
  A?: string[];
  AAAA?: string[];
  CNAME?: string[];
  NS?: string[];
  MX?: Mx[];
  /** Each record is a list of character-strings (or one string). */
  TXT?: (string | string[])[];
}

export interface DnsServerOptions {
  zone: Record<string, ZoneEntry>;
  servfail?: string[];
  silent?: string[];
  /** `127.0.0.1` (default) or `::1`. */
  host?: string;
}

export interface TestDnsServer {
  port: number;
  /** `127.0.0.1:port` or `[::1]:port`, as a check's `server`. */
  address: string;
  /** Questions received, as `name TYPE`. */
  queries: string[];
  close(): Promise<void>;
}

const TYPES: Record<number, keyof ZoneEntry> = { 1: 'A', 28: 'AAAA', 5: 'CNAME', 2: 'NS', 15: 'MX', 16: 'TXT' };
const CODES: Record<keyof ZoneEntry, number> = { A: 1, AAAA: 28, CNAME: 5, NS: 2, MX: 15, TXT: 16 };

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function rdata(type: keyof ZoneEntry, value: string | Mx | string[]): Buffer {
  switch (type) {
    case 'A':
      return Buffer.from(String(value).split('.').map(Number));
    case 'AAAA':
      return ipv6Bytes(String(value));
    case 'CNAME':
    case 'NS':
      return encodeName(String(value));
    case 'MX': {
      const mx = value as Mx;
      const pref = Buffer.alloc(2);
      pref.writeUInt16BE(mx.priority);
      return Buffer.concat([pref, encodeName(mx.exchange)]);
    }
    case 'TXT': {
      const chunks = Array.isArray(value) ? value : [String(value)];
      return Buffer.concat(chunks.map((c) => Buffer.concat([Buffer.from([Buffer.byteLength(c)]), Buffer.from(c)])));
    }
  }
}

function answer(type: keyof ZoneEntry, value: string | Mx | string[]): Buffer {
  const data = rdata(type, value);
  const rr = Buffer.alloc(12);
  rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
  rr.writeUInt16BE(CODES[type], 2);
  rr.writeUInt16BE(1, 4); // IN
  rr.writeUInt32BE(300, 6);
  rr.writeUInt16BE(data.length, 10);
  return Buffer.concat([rr, data]);
}

/** Parses the question of a query: name, type, and where the question ends. */
function question(msg: Buffer): { name: string; type: number; end: number } | null {
  let at = 12;
  const labels: string[] = [];
  while (at < msg.length) {
    const len = msg[at] as number;
    if (len === 0) break;
    labels.push(msg.subarray(at + 1, at + 1 + len).toString('ascii'));
    at += 1 + len;
  }
  if (at + 5 > msg.length) return null;
  return { name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(at + 1), end: at + 5 };
}

export async function startDnsServer(opts: DnsServerOptions): Promise<TestDnsServer> {
  const host = opts.host ?? '127.0.0.1';
  const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  const zone = new Map(Object.entries(opts.zone).map(([k, v]) => [k.toLowerCase().replace(/\.$/, ''), v]));
  const servfail = new Set((opts.servfail ?? []).map((n) => n.toLowerCase()));
  const silent = new Set((opts.silent ?? []).map((n) => n.toLowerCase()));
  const queries: string[] = [];
  socket.on('message', (msg, rinfo) => {
    const q = question(msg);
    if (!q || msg.length < 12) return;
    const typeName = TYPES[q.type];
    queries.push(`${q.name} ${typeName ?? q.type}`);
    if (silent.has(q.name)) return;
    const entry = zone.get(q.name);
    const rcode = servfail.has(q.name) ? 2 : entry === undefined ? 3 : 0;
    const values = rcode === 0 && typeName ? ((entry?.[typeName] ?? []) as (string | Mx | string[])[]) : [];
    const answers = typeName ? values.map((v) => answer(typeName, v)) : [];
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    // QR, AA, RD copied from the query, RA, and the response code.
    header.writeUInt16BE(0x8000 | 0x0400 | (msg.readUInt16BE(2) & 0x0100) | 0x0080 | rcode, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    socket.send(Buffer.concat([header, msg.subarray(12, q.end), ...answers]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => resolve());
  });
  const port = socket.address().port;
  return {
    port,
    address: net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
