/**
 * The story of the demo's simulated history, as data: how fast each demo check normally answers,
 * what went wrong over the last 90 days and when, what the team wrote in the incidents, and the
 * maintenance windows. Everything is anchored to `now` (days before today's UTC midnight, or
 * minutes before now), so the demo looks the same whenever it runs; pure.
 *
 * Check and component ids are those of the demo configuration (src/demo/repo.ts).
 */
import type { AckSource, UpdateStatus } from '../incidents/types.ts';
import type { AutoChanges } from '../incidents/write.ts';
import { DAY_MS } from '../store/layout.ts';

/** Days of history before today. */
export const HISTORY_DAYS = 90;
/** The fixed seed of the simulation: the same `now` gives the same history. */
export const DEMO_SEED = 0xca1b2026;

/** How a check answers when nothing is wrong. Response times are log-normal around a daily curve. */
export interface LatencyProfile {
  /** Median response time at night, ms. */
  medianMs: number;
  /** Log-normal shape: 0.2 is tight, 0.5 has a long tail. */
  sigma: number;
  /** Extra at the daily traffic peak (15:00 UTC): 0.4 is 40% slower. */
  peak: number;
  /** Share of samples that hit a slow outlier (2-4x). */
  tail: number;
  /** Normal answers never exceed this (stays under the warning threshold). */
  maxMs: number;
}

export const LATENCY: Readonly<Record<string, LatencyProfile>> = {
  website: { medianMs: 88, sigma: 0.22, peak: 0.35, tail: 0.01, maxMs: 640 },
  'api-latency': { medianMs: 165, sigma: 0.28, peak: 0.5, tail: 0.015, maxMs: 760 },
  'api-orders': { medianMs: 132, sigma: 0.25, peak: 0.45, tail: 0.012, maxMs: 740 },
  search: { medianMs: 210, sigma: 0.33, peak: 0.4, tail: 0.02, maxMs: 780 },
  database: { medianMs: 2.4, sigma: 0.4, peak: 0.2, tail: 0.01, maxMs: 60 },
};

/** A check's failure, rendered with the real check's words (src/demo/simulate.ts). */
export type Fault = { kind: 'status'; code: number } | { kind: 'timeout' } | { kind: 'refused' } | { kind: 'reset' };

export type Effect =
  /** Every attempt fails (a check with retries confirms it). */
  | { type: 'fail'; fault: Fault }
  /** Slower answers: normal time x factor, kept within [minMs, maxMs]. */
  | { type: 'slow'; factor: number; minMs: number; maxMs: number }
  /** Answers after about `ms`. */
  | { type: 'latency'; ms: number };

export interface StoryEvent {
  id: string;
  checks: string[];
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, exclusive. */
  end: number;
  effect: Effect;
}

/** What a person wrote into the incident Cairn opened for an event: an update, or markdown below the front matter. */
export interface StoryEdit {
  event: string;
  at: number;
  update?: { status: UpdateStatus; text: string };
  body?: string;
  /** The response: owner, acknowledgement (at the edit's time), checklist steps ticked, action items. */
  response?: Pick<AutoChanges, 'owner' | 'check' | 'actions'> & { acknowledged?: { by: string; via: AckSource } };
}

/** A one-off maintenance window of the demo configuration. */
export interface StoryMaintenance {
  id: string;
  title: string;
  description: string;
  components: string[];
  start: number;
  durationMs: number;
}

export interface DemoStory {
  /** First instant of the history (UTC midnight, HISTORY_DAYS before today). */
  from: number;
  /** The simulated rounds stop before this; the real rounds of `cairn demo` follow. */
  until: number;
  events: StoryEvent[];
  edits: StoryEdit[];
  maintenance: StoryMaintenance[];
}

/** The weekly patching window of the demo configuration: Sundays 03:00-03:30 UTC. */
export const WEEKLY_PATCHING = { id: 'weekly-patching', title: 'Weekly patching', components: ['website', 'api'], weekday: 0, at: '03:00', durationMs: 30 * 60_000 } as const;

const MIN = 60_000;
const HOUR = 60 * MIN;

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
/** Start of the weekly patching window on the UTC day starting at `day`. */
const patchingAt = (day: number) => day + Number(WEEKLY_PATCHING.at.slice(0, 2)) * HOUR + Number(WEEKLY_PATCHING.at.slice(3, 5)) * MIN;

export function demoStory(now: number): DemoStory {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  /** `HH:MM` UTC on the day `daysAgo` days before today. */
  const at = (daysAgo: number, time: string) => today - daysAgo * DAY_MS + Number(time.slice(0, 2)) * HOUR + Number(time.slice(3, 5)) * MIN;
  /** `daysAgo`, moved back to a weekday: outages happen when people deploy. */
  const weekday = (daysAgo: number) => {
    let d = daysAgo;
    while ([0, 6].includes(new Date(today - d * DAY_MS).getUTCDay())) d++;
    return d;
  };
  const from = today - HISTORY_DAYS * DAY_MS;
  const until = now - 45_000;

  const events: StoryEvent[] = [];
  const event = (id: string, checks: string[], start: number, end: number, effect: Effect) => {
    events.push({ id, checks, start, end, effect });
    return { start, end };
  };

  // Weekly patching: the website restarts for a few minutes inside every window (recorded as maintenance).
  for (let d = today; d >= from; d -= DAY_MS) {
    if (new Date(d).getUTCDay() !== WEEKLY_PATCHING.weekday) continue;
    const start = patchingAt(d) + 7 * MIN;
    if (start < until) event(`patching-${new Date(d).toISOString().slice(0, 10)}`, ['website'], start, start + 9 * MIN, { type: 'fail', fault: { kind: 'status', code: 503 } });
  }

  // Short blips: one or two failed rounds, an automatic incident that resolves itself.
  event('search-blip-1', ['search'], at(71, '11:44'), at(71, '11:49'), { type: 'fail', fault: { kind: 'reset' } });
  event('search-blip-2', ['search'], at(50, '22:09'), at(50, '22:14'), { type: 'fail', fault: { kind: 'status', code: 502 } });
  event('database-blip', ['database'], at(33, '04:41'), at(33, '04:51'), { type: 'fail', fault: { kind: 'refused' } });
  event('website-blip', ['website'], at(12, '19:30'), at(12, '19:35'), { type: 'fail', fault: { kind: 'timeout' } });

  // A partial outage: order creation fails, the rest of the API answers.
  const pDay = weekday(63);
  const partial = event('api-partial', ['api-orders'], at(pDay, '10:04'), at(pDay, '10:49'), { type: 'fail', fault: { kind: 'status', code: 500 } });

  // The big one: the API is down for three hours.
  const oDay = weekday(40);
  const outage = event('api-outage', ['api-orders', 'api-latency'], at(oDay, '13:20'), at(oDay, '16:20'), { type: 'fail', fault: { kind: 'timeout' } });
  // While it recovers it answers slowly.
  event('api-outage-recovery', ['api-latency', 'api-orders'], outage.end, outage.end + 40 * MIN, { type: 'slow', factor: 2.2, minMs: 300, maxMs: 760 });

  // The slow week: a release drops an index; the API is slow (degraded) until it is rebuilt.
  const sDay = weekday(25);
  const slow = event('api-slow', ['api-latency'], at(sDay, '09:40'), at(sDay - 5, '16:10'), { type: 'slow', factor: 5.5, minMs: 860, maxMs: 3400 });
  event('api-slow-orders', ['api-orders'], slow.start, slow.end, { type: 'slow', factor: 1.8, minMs: 0, maxMs: 760 });

  // A past maintenance window: the search cluster is upgraded, and is down for part of it.
  const upgrade = { start: at(18, '01:00'), durationMs: 2 * HOUR };
  event('search-upgrade', ['search'], upgrade.start + 4 * MIN, upgrade.start + 82 * MIN, { type: 'fail', fault: { kind: 'status', code: 503 } });

  // Last week: search is down for 25 minutes.
  const search = event('search-outage', ['search'], at(3, '07:55'), at(3, '08:20'), { type: 'fail', fault: { kind: 'status', code: 503 } });

  // Right now: the Orders API fails and the API is slow, as the live demo targets are. It began
  // before this Sunday's patching window if that window would otherwise hide its start.
  let currentStart = now - 35 * MIN;
  const patching = patchingAt(today);
  if (new Date(today).getUTCDay() === WEEKLY_PATCHING.weekday && currentStart < patching + WEEKLY_PATCHING.durationMs && now > patching) currentStart = patching - 25 * MIN;
  const current = event('api-now', ['api-orders'], currentStart, now + HOUR, { type: 'fail', fault: { kind: 'status', code: 503 } });
  event('api-now-slow', ['api-latency'], currentStart, now + HOUR, { type: 'latency', ms: 1203 });

  const edits: StoryEdit[] = [
    {
      event: 'api-partial',
      at: partial.start + 12 * MIN,
      update: { status: 'identified', text: 'Creating an order fails with HTTP 500 for most customers. A change to the payment provider timeout was rolled out to every region at once; we are rolling it back.' },
    },
    { event: 'api-partial', at: partial.start + 36 * MIN, update: { status: 'monitoring', text: 'The rollback is complete in every region and orders go through again. We are monitoring error rates.' } },

    { event: 'api-outage', at: outage.start + 6 * MIN, response: { owner: 'Priya (platform on-call)', acknowledged: { by: 'Priya', via: 'pagerduty' } } },
    { event: 'api-outage', at: outage.start + 31 * MIN, response: { check: ['triage'] } },
    { event: 'api-outage', at: outage.end - 4 * MIN, response: { check: ['mitigate'] } },
    { event: 'api-outage', at: outage.end + 10 * MIN, response: { check: ['resolve'] } },
    {
      event: 'api-outage',
      at: outage.end + 3 * DAY_MS,
      response: {
        check: ['postmortem'],
        actions: [
          { title: 'API servers re-resolve the database address on every new connection', owner: 'Priya', state: 'done' },
          { title: 'Alert when a replication slot holds more than 10 GB of write-ahead log', owner: 'Sam', state: 'done' },
          { title: 'Quarterly failover drill with the API under load', owner: 'Priya', due: new Date(outage.end + 40 * DAY_MS).toISOString().slice(0, 10) },
        ],
      },
    },
    { event: 'api-outage', at: outage.start + 9 * MIN, update: { status: 'investigating', text: 'The API does not answer: orders, checkout and the customer area are unavailable in every region. We are investigating.' } },
    {
      event: 'api-outage',
      at: outage.start + 31 * MIN,
      update: { status: 'identified', text: "The API's primary database lost its storage volume and failed over to a replica, but the API servers kept waiting on connections to the old primary. We are restarting them with the new primary's address." },
    },
    {
      event: 'api-outage',
      at: outage.start + 107 * MIN,
      update: { status: 'identified', text: 'The restarted servers reconnect, but the new primary is still replaying its write-ahead log and accepts no writes yet. Replay is about 70% done; we expect the API back within the hour.' },
    },
    { event: 'api-outage', at: outage.end - 4 * MIN, update: { status: 'monitoring', text: 'The new primary accepts writes and the API answers again, slowly at first. We are watching error rates and response times closely.' } },
    { event: 'api-outage', at: outage.end + 3 * DAY_MS, update: { status: 'postmortem', text: 'We have published the postmortem of this outage below.' } },
    { event: 'api-outage', at: outage.end + 3 * DAY_MS, body: postmortem(outage.start, outage.end) },

    {
      event: 'api-slow',
      at: slow.start + 2 * HOUR,
      update: { status: 'identified', text: "API responses have been slow since this morning's release 4.18.0: its migration dropped an index of the orders table that most requests use. Rebuilding it online takes days on a table this size; the API stays slow but correct until then." },
    },
    { event: 'api-slow', at: slow.start + 2 * DAY_MS + 3 * HOUR, update: { status: 'identified', text: 'The index rebuild is 60% done. Response times stay around one to two seconds at peak hours.' } },
    { event: 'api-slow', at: slow.end - 25 * MIN, update: { status: 'monitoring', text: 'The index is rebuilt and in use; response times are back to normal. We are monitoring.' } },

    { event: 'search-outage', at: search.start + 10 * MIN, update: { status: 'identified', text: 'A search node ran out of disk space while merging its index and stopped answering. We are moving its shards to the other nodes.' } },

    { event: 'api-now', at: current.start + 12 * MIN, response: { owner: 'Sam', acknowledged: { by: 'sam-ops', via: 'github' }, check: ['triage'] } },
    {
      event: 'api-now',
      at: current.start + 17 * MIN,
      update: { status: 'identified', text: 'The Orders API answers HTTP 503: its database connection pool is exhausted, and the rest of the API is slow while it waits for connections. We are raising the pool limit and restarting the service.' },
    },
  ];

  const maintenance: StoryMaintenance[] = [
    { id: 'search-upgrade', title: 'Search cluster upgrade', description: 'Search is upgraded node by node; results may be missing or slow.', components: ['search'], start: upgrade.start, durationMs: upgrade.durationMs },
    { id: 'db-upgrade', title: 'Database upgrade', description: 'Minor version upgrade; writes may be rejected for a few minutes.', components: ['database'], start: at(-2, '22:00'), durationMs: HOUR },
  ];
  return { from, until, events: events.sort((a, b) => a.start - b.start), edits: edits.sort((a, b) => a.at - b.at), maintenance };
}

function postmortem(start: number, end: number): string {
  const t = (ms: number) => `${hhmm(ms)} UTC`;
  return `## Postmortem

**Summary.** For three hours, from ${t(start)} to ${t(end)}, the public API did not answer: no orders could be placed and the customer area was unavailable. No data was lost.

**What happened.** The storage volume of the API's primary database failed at ${t(start - 2 * MIN)}. The database failed over to its replica within a minute, as designed. The API servers, however, resolve the database address once at start-up and kept waiting on connections to the old primary until each request timed out. Restarting them with the new address took 40 minutes; the new primary then needed another two hours to replay its write-ahead log before it accepted writes.

**What went well.** Cairn opened the incident within a minute of the first failed check, and the failover itself lost no data.

**What went wrong.** Nothing told us that the API still used the old primary. The write-ahead log had grown for weeks because a replication slot of a retired reporting job was never dropped.

**Action items.**

1. The API servers re-resolve the database address on every new connection (done).
2. An alert fires when a replication slot holds more than 10 GB of write-ahead log (done).
3. A failover drill every quarter, with the API under load (first one next month).`;
}
