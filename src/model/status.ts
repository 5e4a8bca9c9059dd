/**
 * Status semantics, one definition used everywhere (DESIGN.md, "Status semantics").
 */
import type { CheckStatus } from '../checks/types.ts';

/** A status as shown: a check status, or `nodata` when nothing recent is known. */
export type ShownStatus = CheckStatus | 'nodata';

const RANK: Record<CheckStatus, number> = { up: 0, maintenance: 1, degraded: 2, down: 3 };

/** The worse of two statuses: down > degraded > maintenance > up. */
export function worse(a: CheckStatus, b: CheckStatus): CheckStatus {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Worst of a list of shown statuses; `nodata` only when nothing is known at all. */
export function worstOf(statuses: Iterable<ShownStatus>): ShownStatus {
  let out: CheckStatus | null = null;
  for (const s of statuses) {
    if (s === 'nodata') continue;
    out = out === null ? s : worse(out, s);
  }
  return out ?? 'nodata';
}
