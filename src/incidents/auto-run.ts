/**
 * Applies the automatic incident state machine after a round of checks: observes each component,
 * steps the machine, and writes the incident files and the committed state.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CheckResult } from '../checks/types.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import { type Action, type AutoState, type Observation, step } from './auto.ts';
import { parseIncident } from './parse.ts';
import { INCIDENTS_DIR, readAutoState, writeAutoState } from './store.ts';
import { renderChecklist } from './response.ts';
import { incidentStatus, SEVERITY_OF_IMPACT } from './types.ts';
import { renderIncident, updateIncidentText } from './write.ts';
import { type StateKey, stateWord } from '../vocabulary/states.ts';
import { type RootCause, causeText, dependencyMap, rootCauses } from '../model/dependencies.ts';


/** What one run saw of each component, from its results. */
export function observe(config: Pick<ResolvedConfig, 'components' | 'checks'>, results: readonly CheckResult[]): Record<string, Observation> {
  const byId = new Map(results.map((r) => [r.id, r]));
  const names = new Map(config.checks.map((c) => [c.id, c.name]));
  const out: Record<string, Observation> = {};
  for (const comp of config.components) {
    const rs = comp.checks.map((id) => byId.get(id)).filter((r): r is CheckResult => r !== undefined);
    if (rs.length === 0) {
      out[comp.id] = { kind: 'unknown' };
      continue;
    }
    const at = Math.max(...rs.map((r) => Date.parse(r.checkedAt)));
    if (rs.some((r) => r.status === 'maintenance')) {
      out[comp.id] = { kind: 'maintenance' };
      continue;
    }
    const down = rs.filter((r) => r.status === 'down');
    const degraded = rs.filter((r) => r.status === 'degraded');
    if (down.length === 0 && degraded.length === 0) {
      out[comp.id] = { kind: 'healthy', at };
      continue;
    }
    const level = down.length === rs.length ? 'down' : down.length > 0 ? 'partial' : 'degraded';
    const failing = down.length > 0 ? down : degraded;
    const summary = failing.map((r) => `${names.get(r.id) ?? r.id}: ${r.error ?? r.status}`).join('; ');
    out[comp.id] = { kind: 'failing', at, level, summary };
  }
  return out;
}

/** A file name for a new incident that does not exist yet: incidents/2026-11-24-api.md, -2, -3... */
function newIncidentFile(dir: string, component: string, at: number): string {
  const base = `${INCIDENTS_DIR}/${new Date(at).toISOString().slice(0, 10)}-${component}`;
  for (let n = 1; ; n++) {
    const file = n === 1 ? `${base}.md` : `${base}-${n}.md`;
    if (!existsSync(path.join(dir, file))) return file;
  }
}

export interface AppliedAction {
  action: Action;
  file: string;
  /** Open and escalate: the root causes when the component is affected by a dependency's outage (src/model/dependencies.ts). */
  causes?: RootCause[];
}

/** A component's state from what the run observed of it (undefined: not checked this round). */
function observedState(o: Observation): StateKey | undefined {
  switch (o.kind) {
    case 'unknown':
      return undefined;
    case 'maintenance':
      return 'maintenance';
    case 'healthy':
      return 'up';
    case 'failing':
      return o.level;
  }
}

/** Forgets open incidents that a person resolved or deleted since the last run. */
async function reconcile(dir: string, state: AutoState): Promise<AutoState> {
  const components: AutoState['components'] = {};
  for (const [id, c] of Object.entries(state.components)) {
    if (!c.open) {
      components[id] = c;
      continue;
    }
    let text: string;
    try {
      text = await readFile(path.join(dir, c.open.file), 'utf8');
    } catch {
      continue;
    }
    const { incident } = parseIncident(c.open.file, text);
    // A file a person broke stays the open incident: `cairn validate` reports it; we never overwrite it.
    if (incident && incident.resolvedAt !== null) continue;
    components[id] = c;
  }
  return { v: 1, components };
}

export async function applyAutoIncidents(
  config: Pick<ResolvedConfig, 'dir' | 'components' | 'checks' | 'incidents'>,
  results: readonly CheckResult[],
  now: number,
  /** State-file suffix of a shard (src/cli/shard.ts stateSuffix); a shard owns only its components. */
  suffix = '',
): Promise<AppliedAction[]> {
  if (!config.incidents.auto) return [];
  const names = new Map(config.components.map((c) => [c.id, c.name]));
  const previous = await reconcile(config.dir, await readAutoState(config.dir, suffix));
  const observations = observe(config, results);
  // Who is affected by whose outage this round: the incident names its cause.
  const causes = rootCauses(dependencyMap(config.components), (id) => observedState(observations[id] ?? { kind: 'unknown' }));
  const causedBy = (id: string) => {
    const roots = causes.get(id);
    return roots ? { roots, text: causeText(roots, (c) => names.get(c) ?? c) } : null;
  };
  const { state, actions } = step({
    state: previous,
    observations,
    // A shard knows only the components it checks; the others' incidents are another shard's.
    components: config.components.filter((c) => !suffix || c.checks.some((id) => config.checks.some((k) => k.id === id))).map((c) => c.id),
    resolveAfter: config.incidents.resolveAfter,
    now,
  });
  const applied: AppliedAction[] = [];
  for (const action of actions) {
    const name = names.get(action.component) ?? action.component;
    const cause = action.type === 'resolve' ? null : causedBy(action.component);
    const causeLine = cause ? ` Caused by: ${cause.text}.` : '';
    if (action.type === 'open') {
      const file = newIncidentFile(config.dir, action.component, action.at);
      await writeFileAtomic(
        path.join(config.dir, file),
        renderIncident({
          title: `${name} ${stateWord(action.level)}`,
          impact: action.impact,
          components: [action.component],
          auto: true,
          startedAt: action.at,
          detectedAt: now,
          updates: [{ at: now, status: 'investigating', text: `${name}: ${stateWord(action.level)}, detected by Cairn. ${action.summary}${causeLine}` }],
          body: cause ? `Caused by: ${cause.text}. ${name} depends on it; Cairn held ${name}'s own alerts back in favour of it.\n` : '',
          checklist: renderChecklist(SEVERITY_OF_IMPACT[action.impact], config.incidents.response),
        }),
      );
      const open = state.components[action.component]?.open;
      if (open) open.file = file;
      applied.push({ action, file, ...(cause ? { causes: cause.roots } : {}) });
      continue;
    }
    const full = path.join(config.dir, action.file);
    let text: string;
    try {
      text = await readFile(full, 'utf8');
    } catch {
      continue;
    }
    const { incident } = parseIncident(action.file, text);
    if (!incident) continue; // a person broke the file: leave it alone, validate reports it
    if (action.type === 'escalate') {
      const humanChangedImpact = incident.impact !== previous.components[action.component]?.open?.impact;
      await writeFileAtomic(
        full,
        updateIncidentText(text, {
          ...(humanChangedImpact ? {} : { impact: action.impact }),
          add: [{ at: now, status: incidentStatus(incident) === 'postmortem' ? 'investigating' : incidentStatus(incident), text: `${name}: now ${stateWord(action.level)}. ${action.summary}${causeLine}` }],
        }),
      );
    } else {
      const text2 =
        action.reason === 'healthy'
          ? `${name} has been operational for ${action.healthyRuns} checks in a row. Resolved automatically.`
          : `${name} was removed from the configuration. Resolved automatically.`;
      await writeFileAtomic(full, updateIncidentText(text, { resolvedAt: action.at, add: [{ at: action.at, status: 'resolved', text: text2 }] }));
    }
    applied.push({ action, file: action.file, ...(cause ? { causes: cause.roots } : {}) });
  }
  await writeAutoState(config.dir, state, suffix);
  return applied;
}
