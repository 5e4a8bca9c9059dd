/**
 * Test fixtures for the domain check: RDAP domain objects in the shape real registries send
 * (RFC 9083 with the ICANN response profile: upper-case ldhName, registrar entity with a jCard
 * and an IANA Registrar ID, nested abuse contact, events, EPP statuses, notices), and a real RDAP
 * server on 127.0.0.1 that serves them. Used by the tests only.
 */
import { startHttpServer, type TestServer } from './test-helpers.ts';

const DAY = 86_400_000;

export interface RdapDomainOptions {
  domain: string;
  /** Expiry, days from `now`; null: no expiration event. */
  expiresInDays: number | null;
  now?: Date;
  registrar?: string;
  status?: string[];
}

/** An RDAP domain object as a registry (Verisign's shape) sends it. */
export function rdapDomain(opts: RdapDomainOptions): Record<string, unknown> {
  const now = opts.now ?? new Date();
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const events: { eventAction: string; eventDate: string }[] = [
    { eventAction: 'registration', eventDate: iso(Date.UTC(2009, 2, 14, 4, 0, 0)) },
  ];
  if (opts.expiresInDays !== null) events.push({ eventAction: 'expiration', eventDate: iso(now.getTime() + opts.expiresInDays * DAY) });
  events.push({ eventAction: 'last changed', eventDate: iso(now.getTime() - 40 * DAY) });
  events.push({ eventAction: 'last update of RDAP database', eventDate: iso(now.getTime() - 60_000) });
  const name = opts.domain.toUpperCase();
  return {
    objectClassName: 'domain',
    handle: `2336799_DOMAIN_${name.split('.').at(-1)}-VRSN`,
    ldhName: name,
    links: [{ value: `https://rdap.example/domain/${name}`, rel: 'self', href: `https://rdap.example/domain/${name}`, type: 'application/rdap+json' }],
    status: opts.status ?? ['client delete prohibited', 'client transfer prohibited', 'client update prohibited'],
    entities: [
      {
        objectClassName: 'entity',
        handle: '1234',
        roles: ['registrar'],
        publicIds: [{ type: 'IANA Registrar ID', identifier: '1234' }],
        vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', opts.registrar ?? 'Example Registrar, Inc.']]],
        entities: [
          {
            objectClassName: 'entity',
            roles: ['abuse'],
            vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', ''], ['tel', { type: 'voice' }, 'uri', 'tel:+1.5555551234'], ['email', {}, 'text', 'abuse@registrar.example']]],
          },
        ],
      },
    ],
    events,
    secureDNS: { delegationSigned: false },
    nameservers: [
      { objectClassName: 'nameserver', ldhName: 'NS1.EXAMPLE.NET' },
      { objectClassName: 'nameserver', ldhName: 'NS2.EXAMPLE.NET' },
    ],
    rdapConformance: ['rdap_level_0', 'icann_rdap_technical_implementation_guide_1', 'icann_rdap_response_profile_1'],
    notices: [
      { title: 'Terms of Use', description: ['Service subject to Terms of Use.'], links: [{ href: 'https://www.example/terms', type: 'text/html' }] },
    ],
  };
}

/** An RDAP error object (RFC 9083 section 6). */
export function rdapError(code: number, title: string, description: string[] = []): Record<string, unknown> {
  return { errorCode: code, title, description, rdapConformance: ['rdap_level_0'] };
}

export type RdapRoute =
  | { json: unknown; status?: number }
  | { text: string; status?: number; type?: string }
  | { redirect: string; status?: number }
  /** Never answers. */
  | { hang: true };

/**
 * A real RDAP server on 127.0.0.1: `routes` maps a path (`/domain/example.com`,
 * `/dns.json`) to a JSON answer, raw text, or a redirect; anything else is an RDAP 404.
 */
export function startRdapServer(routes: Record<string, RdapRoute | ((server: TestServer) => RdapRoute)>): Promise<TestServer> {
  let self: TestServer | null = null;
  const started = startHttpServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    const entry = Object.hasOwn(routes, path) ? routes[path] : undefined;
    const route = typeof entry === 'function' ? entry(self as TestServer) : entry;
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'application/rdap+json' });
      res.end(JSON.stringify(rdapError(404, 'Not Found', [`${path} was not found.`])));
      return;
    }
    if ('hang' in route) return;
    if ('redirect' in route) {
      res.writeHead(route.status ?? 302, { location: route.redirect });
      res.end();
      return;
    }
    if ('json' in route) {
      res.writeHead(route.status ?? 200, { 'content-type': 'application/rdap+json' });
      res.end(JSON.stringify(route.json));
      return;
    }
    res.writeHead(route.status ?? 200, { 'content-type': route.type ?? 'application/rdap+json' });
    res.end(route.text);
  });
  return started.then((s) => (self = s));
}

/** An IANA bootstrap file (dns.json, RFC 9224) mapping `tlds` to `servers`. */
export function bootstrapFile(services: [string[], string[]][]): Record<string, unknown> {
  return { description: 'RDAP bootstrap file for Domain Name System registrations', publication: '2026-11-20T19:00:01Z', services, version: '1.0' };
}
