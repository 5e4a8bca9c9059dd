/**
 * Samples of many checks held in columns (typed arrays per check) instead of one object per
 * sample: a month of 1,000 checks at 5-minute samples never lives as millions of objects at once.
 * The report (src/reports/inputs.ts) and the site's model (src/site/build.ts) read the store into them.
 */
import type { CheckStatus } from '../checks/types.ts';
import type { Sample } from './samples.ts';

const STATUSES: CheckStatus[] = ['up', 'degraded', 'down', 'maintenance'];

/** Samples of many checks in columns; `of(id)` gives one check's samples as objects, sorted. */
export class SampleColumns {
  #cols = new Map<string, { n: number; at: Float64Array; st: Uint8Array; ms: Float32Array; err: Map<number, string> }>();
  count = 0;

  add(s: Sample): void {
    let c = this.#cols.get(s.id);
    if (!c) this.#cols.set(s.id, (c = { n: 0, at: new Float64Array(1024), st: new Uint8Array(1024), ms: new Float32Array(1024), err: new Map() }));
    if (c.n === c.at.length) {
      // Grow by half: the spare capacity stays small for a month of 5-minute samples.
      const grow = <T extends Float64Array | Float32Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(Math.ceil(a.length * 1.5));
        b.set(a);
        return b;
      };
      c.at = grow(c.at);
      c.st = grow(c.st);
      c.ms = grow(c.ms);
    }
    c.at[c.n] = s.at;
    c.st[c.n] = STATUSES.indexOf(s.status);
    c.ms[c.n] = s.responseTimeMs ?? -1;
    if (s.error !== null) c.err.set(c.n, s.error);
    c.n += 1;
    this.count += 1;
  }

  /** One check's samples (status codes are not kept: no report figure reads them). */
  of(id: string): Sample[] {
    const c = this.#cols.get(id);
    if (!c) return [];
    const out: Sample[] = new Array(c.n);
    let sorted = true;
    for (let i = 0; i < c.n; i++) {
      const ms = c.ms[i] as number;
      out[i] = { id, status: STATUSES[c.st[i] as number] as CheckStatus, at: c.at[i] as number, responseTimeMs: ms < 0 ? null : ms, error: c.err.get(i) ?? null, statusCode: null };
      if (i > 0 && (c.at[i] as number) < (c.at[i - 1] as number)) sorted = false;
    }
    return sorted ? out : out.sort((a, b) => a.at - b.at);
  }

  /** Per check, the stored errors (with their sample's time): certificate facts live there. */
  errors(id: string): { at: number; error: string }[] {
    const c = this.#cols.get(id);
    if (!c) return [];
    return [...c.err].map(([i, error]) => ({ at: c.at[i] as number, error })).sort((a, b) => a.at - b.at);
  }
}
