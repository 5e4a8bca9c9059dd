/**
 * Component dependencies in notifications, against real receivers on loopback: while the root
 * cause (Database) is in an outage, its dependent's (API's) own outage alert is held back and the
 * root cause's goes out, naming what it affects; recovery alerts are never held; a held alert goes
 * out once the root cause recovered and the dependent is still down. Automatic incidents name
 * their cause in the file and in the message.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '../checks/types.ts';
import type { Output } from '../cli/output.ts';
import { loadConfig } from '../config/load.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { applyAutoIncidents } from '../incidents/auto-run.ts';
import { notifyAfterRound } from './notify.ts';
import { NOTIFY_STATE_FILE } from './state.ts';
import { startReceiver, type Receiver } from './test-receivers.ts';
import { loadIncidents } from '../incidents/store.ts';
import { computeModel } from '../model/model.ts';
import { atomFeed, rssFeed } from '../site/feeds.ts';
import { pagerdutyProblems } from './test-formats.ts';

const T0 = Date.parse('2026-11-24T10:00:00Z');
const M = 60_000;
const PD_KEY = 'PDKEY000111222333444555666777888';
const fastEnv = { sleep: async () => undefined, baseDelayMs: 1, maxDelayMs: 5000 };

function quiet(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { lines, github: false, color: false, info: (m) => void lines.push(m), warn: (m) => void lines.push(`warning: ${m}`), error: (m) => void lines.push(`error: ${m}`), data: () => undefined, summary: async () => undefined, protect: () => undefined };
}

function results(at: number, statuses: Record<string, CheckStatus>): CheckResult[] {
  return Object.entries(statuses).map(([id, status]) => ({ id, kind: 'tcp', status, responseTimeMs: 10, error: status === 'up' ? null : `${id} refused`, checkedAt: new Date(at).toISOString(), attempts: 1 }));
}

const dirs: string[] = [];
let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
  rx.fallback('/pd/', () => ({ status: 202, body: '{"status":"success"}' }));
});
afterAll(async () => {
  await rx.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function setup(prefix: string, auto: boolean): Promise<ResolvedConfig> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-deps-'));
  dirs.push(dir);
  await mkdir(path.join(dir, 'checks'));
  await writeFile(
    path.join(dir, 'cairn.yaml'),
    `site: { title: Acme Status, baseUrl: "https://status.acme.test/" }
incidents: { auto: ${auto} }
groups:
  - id: core
    name: Core
    components:
      - { id: db, name: Database }
      - { id: api, name: API, dependsOn: [db] }
notifications:
  channels:
    hook: { type: webhook, url: "${rx.url}/${prefix}/hook", secret: "\${HOOK_SECRET}" }
    pager: { type: pagerduty, routingKey: "\${PD_KEY}", eventsUrl: "${rx.url}/pd/${prefix}" }
`,
  );
  await writeFile(
    path.join(dir, 'checks', 'a.yaml'),
    `checks:
  - { id: api, component: api, kind: tcp, host: 127.0.0.1, port: 1 }
  - { id: db, component: db, kind: tcp, host: 127.0.0.1, port: 2 }
`,
  );
  return loadConfig(dir, { env: { HOOK_SECRET: 'hooksecret', PD_KEY } });
}

interface Hook {
  purpose: string;
  event: { type: string; key: string; title: string; text: string; facts: { name: string; value: string }[] };
}

describe('dependencies in notifications (real receivers)', () => {
  it('holds the dependent’s outage alert while the root cause is down, sends the root cause’s, never holds a recovery', async () => {
    const config = await setup('c', false);
    const hooks = () => rx.requests.filter((r) => r.path === '/c/hook').map((r) => r.json as Hook);
    const pages = () => rx.requests.filter((r) => r.path === '/pd/c').map((r) => r.json as { event_action: string; dedup_key: string });
    const run = async (minutes: number, statuses: Record<string, CheckStatus>) => {
      const [h, p] = [hooks().length, pages().length];
      const at = T0 + minutes * M;
      const report = await notifyAfterRound(config, { results: results(at, statuses), incidents: [] }, quiet(), { now: at, env: fastEnv });
      return { hooks: hooks().slice(h), pages: pages().slice(p), report };
    };

    // 10:00 Database and API go down together: Database's alert goes out, naming API; API's is held.
    const r0 = await run(0, { db: 'down', api: 'down' });
    expect(r0.hooks.map((x) => [x.purpose, x.event.type, x.event.key])).toEqual([['trigger', 'component.down', 'component:db']]);
    expect(r0.hooks[0]?.event.text).toBe('db: db refused\nAlso affected (depend on Database): API.');
    expect(r0.hooks[0]?.event.facts).toContainEqual({ name: 'Also affected', value: 'API' });
    expect(r0.pages.map((x) => `${x.event_action} ${x.dedup_key}`)).toEqual(['trigger cairn/component:db']);
    expect(r0.report.records.filter((r) => r.status === 'held').map((r) => [r.channel, r.event, r.key, r.detail])).toEqual([
      ['hook', 'component.down', 'component:api', "affected by Database (major outage): the root cause's alert goes out instead"],
      ['pager', 'component.down', 'component:api', "affected by Database (major outage): the root cause's alert goes out instead"],
    ]);
    // Recording is not held: the state has API down (and its alert owed).
    const state = JSON.parse(await readFile(path.join(config.dir, NOTIFY_STATE_FILE), 'utf8'));
    expect(state.observations.components).toEqual({ db: 'down', api: 'down' });
    expect(Object.keys(state.alerts).sort()).toEqual(['component:api', 'component:db']);

    // 10:05 still both down: nothing new, API still held.
    const r1 = await run(5, { db: 'down', api: 'down' });
    expect(r1.hooks).toEqual([]);
    expect(r1.report.records.map((r) => r.status)).toEqual(['held', 'held']);

    // 10:10 Database recovers, API is still down: Database's recovery goes out, and API's own alert now (not its own fault any more).
    const r2 = await run(10, { db: 'up', api: 'down' });
    expect(r2.hooks.map((x) => [x.purpose, x.event.type, x.event.key]).sort()).toEqual([
      ['resolve', 'component.recovered', 'component:db'],
      ['trigger', 'component.down', 'component:api'],
    ]);
    const apiAlert = r2.hooks.find((x) => x.event.key === 'component:api');
    expect(apiAlert?.event.text).toBe('api: api refused\nDetected while Database (major outage) was in an outage: affected by Database (root cause).');
    expect(apiAlert?.event.facts).toContainEqual({ name: 'Affected by', value: 'Database (major outage)' });
    expect(r2.pages.map((x) => `${x.event_action} ${x.dedup_key}`).sort()).toEqual(['resolve cairn/component:db', 'trigger cairn/component:api']);

    // 10:15 Database down again while API is already alerted; 10:20 API recovers while Database is still down:
    // API's recovery goes out at once (recoveries are never held).
    await run(15, { db: 'down', api: 'down' });
    const r4 = await run(20, { db: 'down', api: 'up' });
    expect(r4.hooks.map((x) => [x.purpose, x.event.type, x.event.key])).toEqual([['resolve', 'component.recovered', 'component:api']]);
    expect(r4.pages.map((x) => `${x.event_action} ${x.dedup_key}`)).toEqual(['resolve cairn/component:api']);
    for (const body of pages()) expect(pagerdutyProblems(body)).toEqual([]);
  });

  it('a held alert whose dependent recovers with its root cause is never sent, nor its recovery', async () => {
    const config = await setup('d', false);
    const hooks = () => rx.requests.filter((r) => r.path === '/d/hook').map((r) => r.json as Hook);
    const at = (m: number) => T0 + m * M;
    await notifyAfterRound(config, { results: results(at(0), { db: 'down', api: 'down' }), incidents: [] }, quiet(), { now: at(0), env: fastEnv });
    await notifyAfterRound(config, { results: results(at(5), { db: 'up', api: 'up' }), incidents: [] }, quiet(), { now: at(5), env: fastEnv });
    expect(hooks().map((x) => `${x.purpose} ${x.event.key}`)).toEqual(['trigger component:db', 'resolve component:db']);
  });

  it('automatic incidents: the dependent’s incident names its cause; its opening alert is held, the root cause’s is sent', async () => {
    const config = await setup('i', true);
    const hooks = () => rx.requests.filter((r) => r.path === '/i/hook').map((r) => r.json as Hook);
    const step = async (m: number, statuses: Record<string, CheckStatus>) => {
      const now = T0 + m * M;
      const rs = results(now, statuses);
      const incidents = await applyAutoIncidents(config, rs, now);
      return notifyAfterRound(config, { results: rs, incidents }, quiet(), { now, env: fastEnv });
    };
    const r0 = await step(0, { db: 'down', api: 'down' });
    expect(r0.events.map((e) => [e.type, e.key])).toEqual([
      ['incident.opened', 'incident:incidents/2026-11-24-db.md'],
      ['incident.opened', 'incident:incidents/2026-11-24-api.md'],
    ]);
    const apiFile = await readFile(path.join(config.dir, 'incidents', '2026-11-24-api.md'), 'utf8');
    expect(apiFile).toContain('Caused by: Database (major outage).');
    expect(apiFile).toContain('API: major outage, detected by Cairn. api: api refused Caused by: Database (major outage).');
    const dbFile = await readFile(path.join(config.dir, 'incidents', '2026-11-24-db.md'), 'utf8');
    expect(dbFile).not.toContain('Caused by');
    // Sent: the root cause's incident, naming what it affects. Held: the dependent's.
    expect(hooks().map((x) => x.event.key)).toEqual(['incident:incidents/2026-11-24-db.md']);
    expect(hooks()[0]?.event.text).toBe('db: db refused\nAlso affected (depend on Database): API.');
    expect(r0.records.filter((r) => r.status === 'held').map((r) => [r.channel, r.event, r.key])).toEqual([
      ['hook', 'incident.opened', 'incident:incidents/2026-11-24-api.md'],
      ['pager', 'incident.opened', 'incident:incidents/2026-11-24-api.md'],
    ]);
    // The held incident.opened event itself names the cause (what goes out if it is released).
    const apiEvent = r0.events.find((e) => e.key === 'incident:incidents/2026-11-24-api.md');
    expect(apiEvent?.text).toBe('api: api refused\nCaused by: Database (major outage).');
    expect(apiEvent?.facts).toContainEqual({ name: 'Caused by', value: 'Database (major outage)' });
    // The incident page and the feeds read the file: they name the cause too.
    const { incidents } = await loadIncidents(config);
    const model = computeModel({ config, samples: [], incidents, now: T0 + M });
    expect(model.incidents.find((i) => i.id === '2026-11-24-api')?.updates[0]?.text).toContain('Caused by: Database (major outage).');
    expect(atomFeed(model, '/')).toContain('Caused by: Database (major outage).');
    expect(rssFeed(model, '/')).toContain('Caused by: Database (major outage).');
  });
});
