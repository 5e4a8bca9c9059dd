/**
 * Remote write after a round: every check result also goes to Prometheus (or Mimir, Cortex,
 * Thanos Receive, VictoriaMetrics), as blackbox_exporter-style series.
 *
 * Guarantees, whatever the receivers do:
 * - The git store stays the source of truth: this runs only once the round's results are stored,
 *   and never throws for a receiver's failure (a failure is reported, redacted; the run goes on).
 * - Nothing is lost within the backlog bound: each endpoint has a committed cursor (the newest
 *   stored run it acknowledged); a run first sends the stored runs after it, oldest first, then
 *   its own, and moves the cursor only over what was written (or refused for good). Runs owed and
 *   older than the bound are dropped and counted.
 * - Bounded: requests of at most `MAX_SAMPLES_PER_REQUEST` samples, retried within the time
 *   allowed (`stopAt`, from the command's deadline), endpoints in parallel, each in time order.
 *
 * The current run's samples carry the full detail (timing phases, certificate expiry); a run sent
 * from the backlog carries what the store keeps (status, duration, status code).
 */
import type { CheckResult } from '../checks/types.ts';
import type { RemoteWriteEndpointSettings } from '../config/resolve-remote-write.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { type RunRecord, encodeRunLine, parseRunLine } from '../store/samples.ts';
import type { Shard } from '../store/shard.ts';
import { readBacklog } from './backlog.ts';
import { type RemoteWriteCursor, cursorFile, readCursor, writeCursor } from './cursor.ts';
import { type TimeSeries, encodeWriteRequest } from './encode.ts';
import { sendWriteRequest } from './send.ts';
import { type Series, SeriesBuilder, targetsOf } from './series.ts';

/** Samples per request at most (Prometheus's own client sends 2,000 by default; receivers take far more). */
export const MAX_SAMPLES_PER_REQUEST = 5000;

/** A run to send: as stored, with the detail of its results when it is the current run. */
export interface RunToSend {
  record: RunRecord;
  detail?: ReadonlyMap<string, CheckResult>;
}

export interface Batch {
  timeseries: TimeSeries[];
  samples: number;
  /** Start of the newest run whose samples are all in this batch or earlier ones (epoch ms); null: none completes here. */
  completes: number | null;
  /** Runs completed by this batch. */
  runs: number;
}

/**
 * Cuts runs (oldest first) into requests of about `maxSamples` samples (cut between results, so a
 * request may hold a few more); a run larger than that is split. Within a request a series'
 * samples are in time order; a sample not after the series' previous one in the request is left
 * out (the receiver would refuse it).
 */
export function* batches(runs: readonly RunToSend[], builder: SeriesBuilder, maxSamples = MAX_SAMPLES_PER_REQUEST): Generator<Batch> {
  // Each series is marked with the batch it is in and that batch's entry for it: no lookup per sample.
  let mark: { timeseries: TimeSeries[] } = { timeseries: [] };
  let samples = 0;
  let completes: number | null = null;
  let completed = 0;
  const flush = (): Batch => {
    const batch = { timeseries: mark.timeseries, samples, completes, runs: completed };
    mark = { timeseries: [] };
    samples = 0;
    completes = null;
    completed = 0;
    return batch;
  };
  const add = (series: Series, value: number, t: number) => {
    let entry = series.mark as { of: typeof mark; ts: TimeSeries } | undefined;
    if (entry === undefined || entry.of !== mark) {
      entry = { of: mark, ts: { labels: series.labels, samples: [] } };
      series.mark = entry;
      mark.timeseries.push(entry.ts);
    }
    const list = entry.ts.samples;
    if (list.length > 0 && (list[list.length - 1] as { timestamp: number }).timestamp >= t) return;
    list.push({ value, timestamp: t });
    samples++;
  };
  for (const run of runs) {
    for (const r of run.record.r) {
      // A result's samples (at most a dozen) go into one request; a request is cut between results.
      if (samples >= maxSamples) yield flush();
      builder.emit(r, run.detail?.get(r.id), add);
    }
    completes = Date.parse(run.record.t);
    completed++;
  }
  if (samples > 0 || completed > 0) yield flush();
}

/** The run as a later read of the store gives it back (times to the second, whole milliseconds). */
export function asStored(record: RunRecord): RunRecord {
  const parsed = parseRunLine(encodeRunLine(record));
  if (typeof parsed === 'string') throw new Error(`a run record did not survive its own encoding: ${parsed}`);
  return parsed;
}

export interface EndpointReport {
  name: string;
  /** The URL without user-info or query. */
  url: string;
  /** Whether everything owed was written or refused for good (false: some waits for a later run). */
  ok: boolean;
  /** Runs written (backlog included), samples written, requests made. */
  runs: number;
  backlogRuns: number;
  samples: number;
  requests: number;
  /** Samples the receiver refused for good (a 4xx about the data), with its first answer. */
  rejected: number;
  rejection: string | null;
  /** Runs owed but older than the backlog bound: dropped. */
  tooOld: number;
  /** Runs still owed (the next run sends them, within the bound). */
  pending: number;
  /** Why the send stopped; null when it did not. */
  error: string | null;
  /** The cursor file (relative to the status repo), as read and as written. */
  cursorFile: string;
  before: RemoteWriteCursor | null;
  after: RemoteWriteCursor | null;
}

export interface RemoteWriteInput {
  config: Pick<ResolvedConfig, 'dir' | 'checks' | 'redactor'> & { remoteWrite?: RemoteWriteEndpointSettings[] | undefined };
  /** The round's run as stored, and its results (the detail). */
  record: RunRecord;
  results: readonly CheckResult[];
  shard: Shard | null;
  region: string | null;
  /** Suffix of this runner's state files (shard and region): see `cursorSuffix`. */
  suffix: string;
  /** When sending must have stopped (epoch ms). */
  stopAt: number;
  signal?: AbortSignal;
  now?: number;
  maxSamples?: number;
}

async function sendToEndpoint(endpoint: RemoteWriteEndpointSettings, input: RemoteWriteInput, current: RunToSend): Promise<EndpointReport> {
  const { config } = input;
  const now = input.now ?? Date.now();
  const file = cursorFile(endpoint.name, input.suffix);
  const before = await readCursor(config.dir, file);
  const currentT = Date.parse(current.record.t);
  const report: EndpointReport = {
    name: endpoint.name,
    url: config.redactor.redact(endpoint.display),
    ok: true,
    runs: 0,
    backlogRuns: 0,
    samples: 0,
    requests: 0,
    rejected: 0,
    rejection: null,
    tooOld: 0,
    pending: 0,
    error: null,
    cursorFile: file,
    before,
    after: null,
  };
  // Without a cursor the endpoint starts with this run: older history is for `cairn export openmetrics`.
  const cursorMs = before === null ? currentT - 1 : Date.parse(before.acked);
  const backlog = await readBacklog(config.dir, { afterMs: cursorMs, fromMs: Math.min(currentT, now - endpoint.backlogMs), beforeMs: currentT, shard: input.shard, region: input.region });
  report.tooOld = backlog.dropped;
  report.backlogRuns = backlog.runs.length;
  const runs: RunToSend[] = [...backlog.runs.map((record) => ({ record })), current];
  const builder = new SeriesBuilder({ job: endpoint.job, labels: endpoint.labels, targets: targetsOf(config.checks, config.redactor) });
  let acked = Math.max(cursorMs, backlog.droppedUntil ?? -Infinity);
  let done = 0;
  // While a request is in flight the next one is cut and encoded: the receiver's work and ours overlap.
  const prepare = (it: IteratorResult<Batch>) => (it.done ? null : { batch: it.value, body: it.value.samples > 0 ? encodeWriteRequest(it.value.timeseries) : null });
  const pending = batches(runs, builder, input.maxSamples);
  let next = prepare(pending.next());
  while (next !== null) {
    const { batch, body } = next;
    if (body !== null) {
      const sending = sendWriteRequest(endpoint, body, { stopAt: input.stopAt, redactor: config.redactor, ...(input.signal ? { signal: input.signal } : {}) });
      // Let the request go out before encoding the next one (encoding holds the event loop).
      await new Promise((resolve) => setImmediate(resolve));
      next = prepare(pending.next());
      const outcome = await sending;
      report.requests += outcome.attempts;
      if (outcome.kind === 'failed') {
        report.ok = false;
        report.error = config.redactor.redact(outcome.detail);
        break;
      }
      if (outcome.kind === 'rejected') {
        report.rejected += batch.samples;
        report.rejection ??= config.redactor.redact(outcome.detail);
      } else {
        report.samples += batch.samples;
      }
    } else {
      next = prepare(pending.next());
    }
    if (batch.completes !== null) acked = Math.max(acked, batch.completes);
    done += batch.runs;
  }
  report.runs = done;
  report.pending = runs.length - done;
  const after: RemoteWriteCursor = { v: 1, endpoint: endpoint.name, url: report.url, acked: new Date(acked).toISOString(), updatedAt: new Date(now).toISOString() };
  if (before === null || before.acked !== after.acked) {
    await writeCursor(config.dir, file, after);
    report.after = after;
  } else {
    report.after = before;
  }
  return report;
}

/**
 * Sends the round's run (and each endpoint's backlog) to every configured endpoint, in parallel.
 * A receiver's failure is in the report; only a fault of the local file system throws.
 */
export async function remoteWriteRound(input: RemoteWriteInput): Promise<EndpointReport[]> {
  const endpoints = input.config.remoteWrite ?? [];
  if (endpoints.length === 0 || input.record.r.length === 0) return [];
  for (const e of endpoints) for (const s of e.secrets) input.config.redactor.add(s);
  const current: RunToSend = { record: asStored(input.record), detail: new Map(input.results.map((r) => [r.id, r])) };
  return Promise.all(endpoints.map((e) => sendToEndpoint(e, input, current)));
}

const n = (x: number) => x.toLocaleString('en-US');
const plural = (x: number, one: string, many = `${one}s`) => `${n(x)} ${x === 1 ? one : many}`;

/** One line per endpoint for the log and the job summary: info when all went, a warning otherwise. */
export function describeReport(r: EndpointReport): { level: 'info' | 'warn'; text: string } {
  const where = `remote write ${r.name} (${r.url})`;
  const parts: string[] = [];
  const backlog = r.backlogRuns > 0 ? ` (${plural(r.backlogRuns, 'run')} from the backlog)` : '';
  if (r.ok) parts.push(`${where}: wrote ${plural(r.samples, 'sample')} of ${plural(r.runs, 'run')}${backlog} in ${plural(r.requests, 'request')}`);
  else parts.push(`${where} failed: ${r.error ?? 'unknown error'}; ${plural(r.pending, 'run')} wait for a later run (the results are stored in git)${r.samples > 0 ? `; wrote ${plural(r.samples, 'sample')} first` : ''}`);
  if (r.rejected > 0) parts.push(`the receiver refused ${plural(r.rejected, 'sample')} for good (dropped): ${r.rejection ?? ''}`);
  if (r.tooOld > 0) parts.push(`${plural(r.tooOld, 'stored run')} older than the backlog bound were not sent (dropped; \`cairn export openmetrics\` can backfill them)`);
  return { level: r.ok && r.rejected === 0 && r.tooOld === 0 ? 'info' : 'warn', text: parts.join('; ') };
}
