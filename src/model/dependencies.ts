/**
 * Component dependencies at run time: which component's outage a failing component is affected
 * by. One pure rule, read by every output (the page, the API, notifications, automatic incidents):
 *
 * - A dependency takes its dependents down only while it is in an **outage** (partial or major):
 *   a degraded, maintained or unknown dependency affects nothing.
 * - A dependent is **affected** only while it is itself not working: degraded, in partial or major
 *   outage. An operational dependent is simply operational.
 * - The **root cause** is found by walking down through dependencies that are in an outage: a
 *   failing dependency that has a failing dependency of its own is itself affected, and the walk
 *   goes on; the ones at the bottom are the root causes. An operational component in between
 *   stops the walk (its dependency's outage did not reach through it).
 *
 * Dependencies change what is said and who is alerted, never a figure: a dependent's uptime, day
 * bars and SLA count its own checks, as they always do (it really was down).
 */
import type { ResolvedComponent } from '../config/types.ts';
import { type StateKey, stateWord } from '../vocabulary/states.ts';

/** States in which a component affects its dependents. */
export const OUTAGE_STATES: readonly StateKey[] = ['partial', 'down'];
/** States in which a component can be affected by a dependency. */
export const AFFECTED_STATES: readonly StateKey[] = ['degraded', 'partial', 'down'];

export interface RootCause {
  id: string;
  state: StateKey;
}

/** Each component's direct dependencies, by id. */
export function dependencyMap(components: readonly Pick<ResolvedComponent, 'id' | 'dependsOn'>[]): Map<string, readonly string[]> {
  return new Map(components.filter((c) => (c.dependsOn ?? []).length > 0).map((c) => [c.id, c.dependsOn ?? []]));
}

/**
 * The root causes of every affected component (components not affected are absent). `stateOf`
 * gives a component's state now (undefined: unknown, which affects nothing). The graph is acyclic
 * (the configuration rejects cycles); a cycle anyway ends the walk where it closes.
 */
export function rootCauses(deps: ReadonlyMap<string, readonly string[]>, stateOf: (id: string) => StateKey | undefined): Map<string, RootCause[]> {
  const memo = new Map<string, RootCause[]>();
  const inOutage = (id: string) => {
    const s = stateOf(id);
    return s !== undefined && OUTAGE_STATES.includes(s);
  };
  // The root causes below `id`: its failing dependencies, each resolved to its own root causes.
  const below = (id: string, walking: Set<string>): RootCause[] => {
    const known = memo.get(id);
    if (known) return known;
    const out: RootCause[] = [];
    const add = (r: RootCause) => {
      if (!out.some((x) => x.id === r.id)) out.push(r);
    };
    walking.add(id);
    for (const dep of deps.get(id) ?? []) {
      if (!inOutage(dep) || walking.has(dep)) continue;
      const deeper = below(dep, walking);
      if (deeper.length > 0) deeper.forEach(add);
      else add({ id: dep, state: stateOf(dep) as StateKey });
    }
    walking.delete(id);
    memo.set(id, out);
    return out;
  };
  const result = new Map<string, RootCause[]>();
  for (const id of deps.keys()) {
    const s = stateOf(id);
    if (s === undefined || !AFFECTED_STATES.includes(s)) continue;
    const roots = below(id, new Set());
    if (roots.length > 0) result.set(id, roots);
  }
  return result;
}

/** The inverse: for each root cause, the components it affects (in the order of `causes`). */
export function affectedOf(causes: ReadonlyMap<string, readonly RootCause[]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [id, roots] of causes) {
    for (const r of roots) {
      const list = out.get(r.id) ?? [];
      list.push(id);
      out.set(r.id, list);
    }
  }
  return out;
}

/** The root causes in running text: `Database (major outage)`, `Database (major outage) and Queue (partial outage)`. */
export function causeText(roots: readonly RootCause[], nameOf: (id: string) => string): string {
  const parts = roots.map((r) => `${nameOf(r.id)} (${stateWord(r.state)})`);
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * Notification events held back while their component is affected by a dependency's outage: the
 * dependent's own outage alerts (its component alert, or its automatic incident's opening and
 * escalation). Never held: resolves and recoveries, notices (maintenance), certificate, SLO and
 * capacity alerts, and anything about the root cause itself.
 */
export const HELD_WHILE_AFFECTED = ['component.down', 'component.degraded', 'incident.opened', 'incident.updated'] as const;
