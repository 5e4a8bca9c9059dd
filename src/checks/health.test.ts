import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthRunner } from './health.ts';
import { attemptContext, healthCheck, startHttpServer, type TestServer } from './test-helpers.ts';

const IETF_ONE_FAILING = {
  status: 'fail',
  checks: {
    'db:connections': [{ componentId: 'db', status: 'fail', output: 'connection refused' }],
    'cache:responseTime': [{ componentId: 'redis', status: 'pass', observedValue: 2, observedUnit: 'ms' }],
    'disk:utilization': [{ status: 'pass', observedValue: 41, observedUnit: 'percent' }],
    'queue:depth': [{ status: 'pass' }],
    uptime: [{ status: 'pass' }],
  },
};

const SPRING_ONE_DOWN = {
  status: 'DOWN',
  components: {
    db: { status: 'DOWN', details: { error: 'org.postgresql.util.PSQLException: Connection refused' } },
    diskSpace: { status: 'UP', details: { total: 100, free: 60 } },
    ping: { status: 'UP' },
    replicas: { status: 'UP', components: { eu: { status: 'UP' }, us: { status: 'UP' } } },
  },
};

const CUSTOM = {
  overall_status: 'degraded',
  checks: { db: { healthy: true }, cache: { healthy: false, error: 'timeout after 2s' }, search: { healthy: true } },
};

let server: TestServer;

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const send = (status: number, type: string, body: unknown) => {
      res.writeHead(status, { 'content-type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    switch (req.url) {
      case '/ietf-ok':
        return send(200, 'application/health+json', { status: 'pass', checks: { 'db:connections': [{ status: 'pass' }] } });
      case '/ietf-fail':
        return send(503, 'application/health+json', IETF_ONE_FAILING);
      case '/ietf-warn':
        return send(200, 'application/health+json', { status: 'warn', checks: { 'disk:utilization': [{ status: 'warn', observedValue: 91, observedUnit: 'percent' }, { status: 'pass', componentId: 'b' }] } });
      case '/spring-down':
        return send(503, 'application/vnd.spring-boot.actuator.v3+json', SPRING_ONE_DOWN);
      case '/spring-plain-json':
        return send(200, 'application/json', { status: 'UP', components: { db: { status: 'UP' }, mail: { status: 'OUT_OF_SERVICE' } } });
      case '/custom':
        return send(200, 'application/json', CUSTOM);
      case '/html':
        return send(200, 'text/html', '<!doctype html><html><body>OK</body></html>');
      case '/html-503':
        return send(503, 'text/html', '<html>Service Unavailable</html>');
      case '/unknown-shape':
        return send(200, 'application/json', { alive: 'yes' });
      default:
        return send(404, 'text/plain', 'no');
    }
  });
});

afterAll(async () => {
  await server.close();
});

const run = (path: string, partial: Parameters<typeof healthCheck>[0] = {}) =>
  healthRunner.attempt(healthCheck({ url: server.url(path), ...partial }), attemptContext(5000));

describe('health: IETF health+json', () => {
  it('is up when everything passes', async () => {
    const out = await run('/ietf-ok');
    expect(out).toMatchObject({ status: 'up', error: null, statusCode: 200 });
    expect(out.details).toMatchObject({ format: 'ietf', healthStatus: 'pass', components: [{ name: 'db:connections', status: 'up' }] });
  });

  it('names the failing component even from a 503, and keeps every component', async () => {
    const out = await run('/ietf-fail');
    expect(out).toMatchObject({ status: 'down', statusCode: 503, error: '1 of 5 components down: db:connections (connection refused)' });
    expect(out.details?.['components']).toEqual([
      { name: 'db:connections', status: 'down', output: 'connection refused' },
      { name: 'cache:responseTime', status: 'up' },
      { name: 'disk:utilization', status: 'up' },
      { name: 'queue:depth', status: 'up' },
      { name: 'uptime', status: 'up' },
    ]);
  });

  it('is degraded on warn, naming the component, its observed value, and numbering repeated entries', async () => {
    const out = await run('/ietf-warn');
    expect(out).toMatchObject({ status: 'degraded', error: '1 of 2 components degraded: disk:utilization (1) (observed 91 percent)' });
    expect(out.details?.['components']).toEqual([
      { name: 'disk:utilization (1)', status: 'degraded', output: 'observed 91 percent' },
      { name: 'disk:utilization (b)', status: 'up' },
    ]);
  });
});

describe('health: Spring Boot Actuator', () => {
  it('reports the DOWN component with its error, flattening nested components', async () => {
    const out = await run('/spring-down', { format: 'spring' });
    expect(out).toMatchObject({
      status: 'down',
      statusCode: 503,
      error: '1 of 5 components down: db (org.postgresql.util.PSQLException: Connection refused)',
    });
    expect(out.details?.['components']).toEqual([
      { name: 'db', status: 'down', output: 'org.postgresql.util.PSQLException: Connection refused' },
      { name: 'diskSpace', status: 'up' },
      { name: 'ping', status: 'up' },
      { name: 'replicas/eu', status: 'up' },
      { name: 'replicas/us', status: 'up' },
    ]);
    expect(out.details?.['healthStatus']).toBe('DOWN');
  });
});

describe('health: auto detection', () => {
  it('detects Spring by its content-type', async () => {
    const out = await run('/spring-down');
    expect(out.details).toMatchObject({ format: 'spring' });
    expect(out.status).toBe('down');
  });

  it('detects Spring by its shape under a plain application/json, and counts OUT_OF_SERVICE as down', async () => {
    const out = await run('/spring-plain-json');
    expect(out).toMatchObject({ status: 'down', error: '1 of 2 components down: mail' });
    expect(out.details).toMatchObject({ format: 'spring', healthStatus: 'UP' });
  });

  it('detects IETF by its content-type', async () => {
    expect((await run('/ietf-ok')).details).toMatchObject({ format: 'ietf' });
  });

  it('says how to fix a JSON body it cannot recognise', async () => {
    const out = await run('/unknown-shape');
    expect(out).toMatchObject({
      status: 'down',
      statusCode: 200,
      error:
        'could not recognise the health response: expected IETF health+json ("status": "pass", "warn" or "fail") or Spring Boot Actuator ("status": "UP" or "DOWN"); set format: custom with a mapping',
    });
  });
});

describe('health: custom mapping', () => {
  const mapping = {
    status: '$.overall_status',
    up: ['ok', 'healthy'],
    degraded: ['degraded'],
    components: '$.checks',
    componentName: null,
    componentStatus: '$.healthy',
    componentOutput: '$.error',
  };

  it('reads {overall_status, checks: {name: {healthy}}}: booleans as up/down, the worst status wins', async () => {
    const out = await run('/custom', { format: 'custom', mapping });
    expect(out).toMatchObject({ status: 'down', error: '1 of 3 components down: cache (timeout after 2s)' });
    expect(out.details).toMatchObject({
      format: 'custom',
      healthStatus: 'degraded',
      components: [
        { name: 'db', status: 'up' },
        { name: 'cache', status: 'down', output: 'timeout after 2s' },
        { name: 'search', status: 'up' },
      ],
    });
  });

  it('is degraded by the declared overall status alone, and says so', async () => {
    const out = await run('/custom', { format: 'custom', mapping: { ...mapping, components: null } });
    expect(out).toMatchObject({ status: 'degraded', error: 'the health endpoint reports status "degraded"' });
  });

  it('says when the mapped path is not in the response', async () => {
    const out = await run('/custom', { format: 'custom', mapping: { ...mapping, status: '$.state' } });
    expect(out).toMatchObject({ status: 'down', error: 'the health response has no overall status at $.state' });
  });
});

describe('health: bodies that are not health responses', () => {
  it('says JSON was expected when a 200 returns HTML', async () => {
    const out = await run('/html');
    expect(out).toMatchObject({
      status: 'down',
      statusCode: 200,
      error: 'expected a JSON health response but got text/html ("<!doctype html><html><body>OK</body></ht…")',
    });
  });

  it('gives the HTTP status when an unexpected status comes with a body that is not a health response', async () => {
    const out = await run('/html-503');
    expect(out).toMatchObject({ status: 'down', statusCode: 503, error: 'HTTP 503 Service Unavailable (expected 2xx)' });
  });
});
