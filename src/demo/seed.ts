/**
 * Seeds the demo status repo with the history a repo that had run for 90 days would hold, written
 * by the code that writes a real one:
 *
 * - every simulated round goes through the maintenance rule (applyMaintenance) and the store's
 *   writer (appendRuns: one line per round, one file per UTC day);
 * - the automatic incidents come from the same state machine, replayed round after round, and
 *   are written by applyAutoIncidents whenever it acts;
 * - what people wrote into those incidents (updates, a postmortem) is applied at its time through
 *   the incident writer, so Cairn's later updates land after it, as they would;
 * - the heartbeat's job signals each night through the heartbeat store (appendSignal), and the
 *   heartbeat's samples are the check's own verdict on those signals at each round; the domain
 *   check's samples are up (its registration is far from expiry), with a steady query time;
 * - last month's report comes from the report generator.
 *
 * The same `now` (and demo targets) gives the same files, byte for byte: the seed is fixed.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CheckResult } from '../checks/types.ts';
import { heartbeatVerdict } from '../checks/heartbeat.ts';
import type { Signal } from '../checks/heartbeat-signals.ts';
import type { ResolvedCheck, ResolvedConfig, ResolvedHeartbeatCheck } from '../config/types.ts';
import { appendSignal } from '../store/heartbeats.ts';
import { type AutoState, EMPTY_STATE, step } from '../incidents/auto.ts';
import { applyAutoIncidents, observe } from '../incidents/auto-run.ts';
import { readAutoState, writeAutoState } from '../incidents/store.ts';
import { updateIncidentText } from '../incidents/write.ts';
import { applyMaintenance } from '../maintenance/apply.ts';
import { monthOf, monthPeriod, writeReport } from '../reports/generate.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import { DAY_MS } from '../store/layout.ts';
import { type RunRecord, appendRuns, toRunRecord } from '../store/samples.ts';
import { seededRandom } from './random.ts';
import { type SimulatedRound, simulateRounds } from './simulate.ts';
import { DEMO_SEED, type DemoStory, type StoryEdit, demoStory } from './story.ts';

export interface SeedOptions {
  /** The instant the history leads up to. */
  now: number;
}

export interface SeedResult {
  story: DemoStory;
  /** UTC days written. */
  days: number;
  rounds: number;
  /** Incident files written, relative to the status repo. */
  incidents: string[];
  /** Months whose report was written (`YYYY-MM`): last month's. */
  reports: string[];
}

/** Every check, component and event the story names must exist: a mismatch is a bug of the demo. */
function assertStoryFits(config: ResolvedConfig, story: DemoStory): void {
  const checks = new Set(config.checks.map((c) => c.id));
  for (const e of story.events) {
    for (const id of e.checks) if (!checks.has(id)) throw new Error(`demo story: event "${e.id}" names unknown check "${id}"`);
  }
  const events = new Set(story.events.map((e) => e.id));
  for (const e of story.edits) if (!events.has(e.event)) throw new Error(`demo story: an edit names unknown event "${e.event}"`);
}

/** The nightly job's signals: every night at 03:00 UTC plus up to 40 minutes, up to `now`. */
export function nightlySignals(id: string, from: number, now: number): Signal[] {
  const signals: Signal[] = [];
  for (let day = Math.floor(from / DAY_MS) * DAY_MS; day < now; day += DAY_MS) {
    const at = day + 3 * 3_600_000 + ((day / DAY_MS) * 7919 % 40) * 60_000 + 17_000;
    if (at >= from && at <= now) signals.push({ id, at, status: 'ok', message: `backed up ${(11 + ((day / DAY_MS) % 5) * 0.3).toFixed(1)} GB`, source: null });
  }
  return signals;
}

/** Checks whose history is not simulated from the story (no random draw): it follows from what they read. */
const derived = (c: ResolvedCheck) => c.kind === 'heartbeat' || c.kind === 'domain';

/** The sample of a derived check at a round: a heartbeat's verdict on the signals so far, a domain up. */
function derivedResult(check: ResolvedCheck, startedAt: number, signals: readonly Signal[]): CheckResult {
  const checkedAt = new Date(startedAt + 50).toISOString();
  if (check.kind === 'heartbeat') {
    let last: Signal | null = null;
    for (const s of signals) if (s.id === check.id && s.at <= startedAt) last = s;
    const v = heartbeatVerdict(check as ResolvedHeartbeatCheck, last, new Date(startedAt));
    return { id: check.id, kind: check.kind, status: v.status, responseTimeMs: null, error: v.error, checkedAt, attempts: 1 };
  }
  return { id: check.id, kind: check.kind, status: 'up', responseTimeMs: 60 + ((startedAt / 300_000) % 9) * 4, error: null, checkedAt, attempts: 1, statusCode: 200 };
}

export async function seedDemoHistory(config: ResolvedConfig, opts: SeedOptions): Promise<SeedResult> {
  const { dir } = config;
  const story = demoStory(opts.now);
  assertStoryFits(config, story);
  const componentOf = new Map(config.checks.map((c) => [c.id, c.component]));
  const components = config.components.map((c) => c.id);
  const result: SeedResult = { story, days: 0, rounds: 0, incidents: [], reports: [] };

  const extra = config.checks.filter((c) => c.enabled && derived(c));
  const signals = extra.filter((c) => c.kind === 'heartbeat').flatMap((c) => nightlySignals(c.id, story.from - DAY_MS, opts.now));
  for (const s of signals) await appendSignal(dir, s);

  let state: AutoState = EMPTY_STATE;
  /** Story event id -> the incident Cairn opened for it. */
  const incidentOf = new Map<string, string>();
  const edits = [...story.edits];

  async function applyEdit(edit: StoryEdit): Promise<void> {
    const file = incidentOf.get(edit.event);
    if (!file) throw new Error(`demo story: no incident was opened for "${edit.event}" before ${new Date(edit.at).toISOString()}`);
    const full = path.join(dir, file);
    let text = await readFile(full, 'utf8');
    if (edit.update) text = updateIncidentText(text, { add: [{ at: edit.at, ...edit.update }] });
    if (edit.body) text = `${text.trimEnd()}\n\n${edit.body.trim()}\n`;
    if (edit.response) {
      const { acknowledged, ...rest } = edit.response;
      text = updateIncidentText(text, { ...rest, ...(acknowledged ? { acknowledged: { at: edit.at, ...acknowledged } } : {}) });
    }
    await writeFileAtomic(full, text);
  }

  async function editsUntil(t: number): Promise<void> {
    while (edits.length > 0 && (edits[0] as StoryEdit).at <= t) await applyEdit(edits.shift() as StoryEdit);
  }

  /** The automatic-incident machine, stepped in memory; the real writer runs when it acts. */
  async function autoIncidents(round: SimulatedRound, results: CheckResult[]): Promise<void> {
    if (!config.incidents.auto) return;
    // Nothing open and nothing failing: the machine would change nothing (most rounds).
    if (Object.keys(state.components).length === 0 && results.every((r) => r.status === 'up' || r.status === 'maintenance')) return;
    const now = Math.max(...results.map((r) => Date.parse(r.checkedAt))) + 1500;
    const next = step({ state, observations: observe(config, results), components, resolveAfter: config.incidents.resolveAfter, now });
    if (next.actions.length === 0) {
      state = next.state;
      return;
    }
    await writeAutoState(dir, state);
    const applied = await applyAutoIncidents(config, results, now);
    state = await readAutoState(dir);
    for (const { action, file } of applied) {
      if (action.type !== 'open') continue;
      result.incidents.push(file);
      for (const e of story.events) {
        const hit = e.start <= round.startedAt && round.startedAt < e.end && e.checks.some((id) => componentOf.get(id) === action.component);
        if (hit && !incidentOf.has(e.id)) incidentOf.set(e.id, file);
      }
    }
  }

  async function writeDay(rounds: SimulatedRound[]): Promise<void> {
    // Inside a maintenance window a result is recorded as maintenance, as a real round does.
    const labelled = applyMaintenance(rounds.flatMap((r) => r.results), config);
    const records: RunRecord[] = [];
    let i = 0;
    for (const round of rounds) {
      const results = labelled.slice(i, i + round.results.length);
      i += round.results.length;
      results.push(...applyMaintenance(extra.map((c) => derivedResult(c, round.startedAt, signals)), config));
      await editsUntil(round.startedAt);
      await autoIncidents(round, results);
      records.push(toRunRecord(new Date(round.startedAt), results));
    }
    await appendRuns(dir, records);
    result.days++;
    result.rounds += rounds.length;
  }

  let day: SimulatedRound[] = [];
  for (const round of simulateRounds(config.checks.filter((c) => !derived(c)), story, config.run.intervalMs, seededRandom(DEMO_SEED))) {
    if (day.length > 0 && Math.floor(round.startedAt / DAY_MS) !== Math.floor((day[0] as SimulatedRound).startedAt / DAY_MS)) {
      await writeDay(day);
      day = [];
    }
    day.push(round);
  }
  if (day.length > 0) await writeDay(day);
  await editsUntil(story.until);
  if (edits.length > 0) throw new Error(`demo story: ${edits.length} edit(s) after the end of the history`);
  await writeAutoState(dir, state);

  // Last month's report, as the monthly workflow wrote it on the first (the earlier ones are
  // left out: each costs most of a second, and one shows what a report is).
  const lastMonth = monthPeriod(monthOf(opts.now), -1);
  if (lastMonth.from >= story.from) {
    await writeReport(config, lastMonth.label, { now: opts.now, prometheus: false });
    result.reports.push(lastMonth.label);
  }
  return result;
}
