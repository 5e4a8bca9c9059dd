/**
 * A small wrapper around `prometheus-query`: one client per configured endpoint, with auth,
 * extra headers and a timeout; it surfaces the `warnings` of partial responses (the package drops
 * them) and turns every failure into a `PrometheusError` with a sentence a person can act on
 * (the package throws plain objects). It counts requests and points fetched for the benchmarks.
 */
import type { AxiosError, AxiosResponse } from 'axios';
import { PrometheusDriver } from 'prometheus-query';
import type { PrometheusEndpointSettings } from '../config/resolve-prometheus.ts';
import { cut } from '../config/secrets.ts';
import { MAX_POINTS_PER_SERIES, planRange, pointsPerSeries } from './range.ts';

export type PrometheusErrorKind = 'refused' | 'timeout' | 'network' | 'http' | 'malformed' | 'query';

export class PrometheusError extends Error {
  override name = 'PrometheusError';
  constructor(
    readonly kind: PrometheusErrorKind,
    message: string,
    readonly httpStatus: number | null = null,
  ) {
    super(message);
  }
}

export interface InstantSample {
  labels: Record<string, string>;
  value: number;
}

export interface RangeSeries {
  labels: Record<string, string>;
  /** [epoch ms, value], time ascending. */
  points: [number, number][];
}

export interface FiringAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt: string | null;
  value: string | null;
}

export interface ClientStats {
  requests: number;
  /** Samples received: one per instant-vector element, one per range point. */
  points: number;
}

export interface ClientOptions {
  /** Points per series a range query may return (Prometheus: 11,000). */
  maxPoints?: number;
}

const SNIPPET = 120;

function snippet(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  const flat = text.replace(/\s+/g, ' ').trim();
  return cut(flat, SNIPPET + 1);
}

function secondsText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

interface PromBody {
  status?: unknown;
  data?: unknown;
  error?: unknown;
  errorType?: unknown;
  warnings?: unknown;
  infos?: unknown;
}

function parseNumber(text: unknown): number {
  if (typeof text !== 'string') throw new PrometheusError('malformed', `expected a sample value as a string, got ${snippet(text)}`);
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  const n = Number(text);
  if (text.trim() === '' || (Number.isNaN(n) && text !== 'NaN')) throw new PrometheusError('malformed', `expected a numeric sample value, got "${snippet(text)}"`);
  return n;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function labelsOf(v: unknown): Record<string, string> {
  if (!isRecord(v)) throw new PrometheusError('malformed', `expected a "metric" object of labels, got ${snippet(v)}`);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
}

function samplePair(v: unknown): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number') throw new PrometheusError('malformed', `expected a [time, "value"] pair, got ${snippet(v)}`);
  return [Math.round(v[0] * 1000), parseNumber(v[1])];
}

export class PromClient {
  readonly stats: ClientStats = { requests: 0, points: 0 };
  /** Warnings of partial responses, in the order received, de-duplicated. */
  readonly warnings: string[] = [];
  readonly maxPoints: number;

  constructor(
    readonly endpoint: PrometheusEndpointSettings,
    opts: ClientOptions = {},
  ) {
    this.maxPoints = opts.maxPoints ?? MAX_POINTS_PER_SERIES;
  }

  /** What a request was about, for messages: `main (http://prom:9090): query_range`. */
  #where(path: string): string {
    return `Prometheus "${this.endpoint.id}" (${this.endpoint.url}) ${path}`;
  }

  /** One request through prometheus-query; resolves to the `data` of a success response. */
  async #request(path: 'query' | 'query_range' | 'alerts', call: (driver: PrometheusDriver) => Promise<unknown>): Promise<unknown> {
    const { endpoint } = this;
    let body: PromBody | null = null;
    let failure: PrometheusError | null = null;
    const timeoutMs = endpoint.timeoutMs;
    const headers: Record<string, string> = { ...endpoint.headers };
    if (endpoint.auth.type === 'bearer') headers['Authorization'] = `Bearer ${endpoint.auth.token}`;
    const driver = new PrometheusDriver({
      endpoint: endpoint.url,
      baseURL: '/api/v1/',
      headers,
      ...(endpoint.auth.type === 'basic' ? { auth: { username: endpoint.auth.username, password: endpoint.auth.password } } : {}),
      timeout: timeoutMs,
      preferPost: path !== 'alerts',
      responseInterceptor: {
        onFulfilled: (res: AxiosResponse) => {
          if (!isRecord(res.data)) {
            const type = String(res.headers['content-type'] ?? 'no content type');
            failure = new PrometheusError('malformed', `${this.#where(path)} answered HTTP ${res.status} with a body that is not Prometheus JSON (${type}): "${snippet(res.data)}"`, res.status);
            throw failure;
          }
          body = res.data as PromBody;
          if (body.status === 'success' && !isRecord(body.data)) {
            failure = new PrometheusError('malformed', `${this.#where(path)} answered "success" without a data object: ${snippet(body)}`, res.status);
            throw failure;
          }
          return res;
        },
        onRejected: (err: AxiosError) => {
          failure = this.#describe(path, err);
          throw failure;
        },
      },
    });
    this.stats.requests += 1;
    let data: unknown;
    try {
      data = await call(driver);
    } catch (err) {
      if (failure) throw failure;
      const original = isRecord(err) && err['original'] instanceof PrometheusError ? err['original'] : null;
      if (original) throw original;
      if (err instanceof PrometheusError) throw err;
      if (body === null) throw new PrometheusError('network', `${this.#where(path)} failed: ${err instanceof Error ? err.message : snippet(err)}`);
      // prometheus-query could not read a success response: report what it was.
      throw new PrometheusError('malformed', `${this.#where(path)} answered with an unexpected shape: ${snippet(body)}`);
    }
    void data;
    const got = body as PromBody | null;
    if (got === null) throw new PrometheusError('malformed', `${this.#where(path)} answered without a body`);
    if (got.status !== 'success') {
      throw new PrometheusError('query', `${this.#where(path)} failed: ${String(got.errorType ?? 'error')}: ${String(got.error ?? snippet(got))}`);
    }
    for (const key of ['warnings', 'infos'] as const) {
      const list = got[key];
      if (Array.isArray(list)) for (const w of list) this.#warn(`${this.#where(path)}: ${String(w)}`);
    }
    if (!isRecord(got.data)) throw new PrometheusError('malformed', `${this.#where(path)} answered "success" without a data object: ${snippet(got)}`);
    return got.data;
  }

  #warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  #describe(path: string, err: AxiosError): PrometheusError {
    const res = err.response;
    if (res) {
      const data = res.data;
      const detail = isRecord(data) && typeof data['error'] === 'string' ? `${String(data['errorType'] ?? 'error')}: ${data['error']}` : `"${snippet(data)}"`;
      const kind = isRecord(data) && data['status'] === 'error' && res.status >= 400 && res.status < 500 ? 'query' : 'http';
      return new PrometheusError(kind, `${this.#where(path)} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}: ${detail}`, res.status);
    }
    const code = err.code ?? '';
    const url = new URL(this.endpoint.url);
    const host = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
    if (code === 'ECONNREFUSED') return new PrometheusError('refused', `${this.#where(path)}: connection refused by ${host} (is the server down?)`);
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(err.message)) {
      return new PrometheusError('timeout', `${this.#where(path)}: no answer within ${secondsText(this.endpoint.timeoutMs)} (the timeout)`);
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new PrometheusError('network', `${this.#where(path)}: cannot resolve ${url.hostname}`);
    if (code === 'ECONNRESET') return new PrometheusError('network', `${this.#where(path)}: the connection was closed before an answer`);
    return new PrometheusError('network', `${this.#where(path)}: ${code ? `${code}: ` : ''}${err.message}`);
  }

  #serverTimeout(): string {
    return `${Math.max(1, Math.floor(this.endpoint.timeoutMs / 1000))}s`;
  }

  /** An instant query evaluated at `at` (epoch ms). Scalars come back as one sample without labels. */
  async instant(query: string, at: number): Promise<InstantSample[]> {
    const data = (await this.#request('query', (d) => d.instantQuery(query, at, this.#serverTimeout()))) as Record<string, unknown>;
    const { resultType, result } = data;
    if (resultType === 'scalar') {
      this.stats.points += 1;
      return [{ labels: {}, value: samplePair(result)[1] }];
    }
    if (resultType !== 'vector' || !Array.isArray(result)) throw new PrometheusError('malformed', `${this.#where('query')}: expected a vector result, got ${snippet(data)}`);
    this.stats.points += result.length;
    return result.map((r: unknown) => {
      if (!isRecord(r)) throw new PrometheusError('malformed', `expected a sample object, got ${snippet(r)}`);
      return { labels: labelsOf(r['metric']), value: samplePair(r['value'])[1] };
    });
  }

  /**
   * A range query that never exceeds the points limit: `step` mode raises the step, `split` mode
   * sends consecutive chunks at the asked step and merges them.
   */
  async range(query: string, start: number, end: number, stepMs: number, mode: 'step' | 'split' = 'step'): Promise<RangeSeries[]> {
    const merged = new Map<string, RangeSeries>();
    for (const plan of planRange(start, end, stepMs, mode, this.maxPoints)) {
      if (pointsPerSeries(plan.start, plan.end, plan.stepMs) > this.maxPoints) throw new Error('range plan exceeds the points limit');
      const data = (await this.#request('query_range', (d) => d.rangeQuery(query, plan.start, plan.end, plan.stepMs / 1000, this.#serverTimeout()))) as Record<string, unknown>;
      const { resultType, result } = data;
      if (resultType !== 'matrix' || !Array.isArray(result)) throw new PrometheusError('malformed', `${this.#where('query_range')}: expected a matrix result, got ${snippet(data)}`);
      for (const r of result) {
        if (!isRecord(r) || !Array.isArray(r['values'])) throw new PrometheusError('malformed', `expected a series with "values", got ${snippet(r)}`);
        const labels = labelsOf(r['metric']);
        const key = JSON.stringify(Object.entries(labels).sort());
        let series = merged.get(key);
        if (!series) merged.set(key, (series = { labels, points: [] }));
        for (const v of r['values']) series.points.push(samplePair(v));
        this.stats.points += r['values'].length;
      }
    }
    for (const s of merged.values()) s.points.sort((a, b) => a[0] - b[0]);
    return [...merged.values()];
  }

  /** Active alerts (pending and firing) from /api/v1/alerts. */
  async alerts(): Promise<FiringAlert[]> {
    const data = (await this.#request('alerts', (d) => d.alerts())) as Record<string, unknown>;
    const list = data['alerts'];
    if (!Array.isArray(list)) throw new PrometheusError('malformed', `${this.#where('alerts')}: expected an "alerts" list, got ${snippet(data)}`);
    this.stats.points += list.length;
    return list.filter(isRecord).map((a) => ({
      labels: isRecord(a['labels']) ? labelsOf(a['labels']) : {},
      annotations: isRecord(a['annotations']) ? labelsOf(a['annotations']) : {},
      state: String(a['state'] ?? ''),
      activeAt: typeof a['activeAt'] === 'string' ? a['activeAt'] : null,
      value: typeof a['value'] === 'string' ? a['value'] : null,
    }));
  }
}
