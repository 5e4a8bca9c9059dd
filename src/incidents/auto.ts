/**
 * Automatic incidents: a pure state machine from one run's component observations to the
 * incident actions to take. One open incident per component at a time; a flapping component
 * keeps its incident open instead of opening ten; an incident resolves after `resolveAfter`
 * consecutive healthy runs. Maintenance neither opens incidents nor counts as healthy.
 */
import { IMPACTS, type Impact } from './types.ts';

/** What one run saw of a component. `unknown`: the run did not check it (another shard). */
export type Observation =
  | { kind: 'unknown' }
  | { kind: 'maintenance' }
  | { kind: 'healthy'; at: number }
  | { kind: 'failing'; at: number; level: 'degraded' | 'partial' | 'down'; summary: string };

export interface OpenIncident {
  file: string;
  /** The impact Cairn last wrote; a different impact in the file means a human changed it. */
  impact: Impact;
  startedAt: number;
}

export interface ComponentState {
  open: OpenIncident | null;
  healthyRuns: number;
}

export interface AutoState {
  v: 1;
  components: Record<string, ComponentState>;
}

export const EMPTY_STATE: AutoState = { v: 1, components: {} };

export type Action =
  | { type: 'open'; component: string; impact: Impact; at: number; level: 'degraded' | 'partial' | 'down'; summary: string }
  | { type: 'escalate'; component: string; file: string; impact: Impact; at: number; level: 'degraded' | 'partial' | 'down'; summary: string }
  | { type: 'resolve'; component: string; file: string; at: number; reason: 'healthy' | 'removed'; healthyRuns: number };

/** Impact follows status: degraded → minor, partial outage → major, down → critical. */
export const IMPACT_OF_LEVEL = { degraded: 'minor', partial: 'major', down: 'critical' } as const satisfies Record<string, Impact>;

const rank = (i: Impact) => IMPACTS.indexOf(i);

export interface StepInput {
  state: AutoState;
  /** Observations of this run, by component id. Components of the config without one are `unknown`. */
  observations: Record<string, Observation>;
  /** Every component id in the configuration (an open incident of any other one is resolved). */
  components: readonly string[];
  /** Healthy runs in a row that resolve an incident (default 2). */
  resolveAfter: number;
  now: number;
}

export interface StepOutput {
  /** State after the actions; the caller fills `file` of opened incidents. */
  state: AutoState;
  actions: Action[];
}

export function step(input: StepInput): StepOutput {
  const actions: Action[] = [];
  const next: Record<string, ComponentState> = {};
  const known = new Set(input.components);

  for (const [component, prev] of Object.entries(input.state.components)) {
    if (known.has(component) || !prev.open) continue;
    actions.push({ type: 'resolve', component, file: prev.open.file, at: input.now, reason: 'removed', healthyRuns: 0 });
  }

  for (const component of input.components) {
    const prev = input.state.components[component] ?? { open: null, healthyRuns: 0 };
    const obs = input.observations[component] ?? { kind: 'unknown' };
    let state: ComponentState = { ...prev };
    switch (obs.kind) {
      case 'unknown':
      case 'maintenance':
        break;
      case 'healthy':
        if (prev.open) {
          const healthyRuns = prev.healthyRuns + 1;
          if (healthyRuns >= input.resolveAfter) {
            actions.push({ type: 'resolve', component, file: prev.open.file, at: obs.at, reason: 'healthy', healthyRuns });
            state = { open: null, healthyRuns: 0 };
          } else {
            state = { ...prev, healthyRuns };
          }
        }
        break;
      case 'failing': {
        const impact = IMPACT_OF_LEVEL[obs.level];
        if (!prev.open) {
          actions.push({ type: 'open', component, impact, at: obs.at, level: obs.level, summary: obs.summary });
          state = { open: { file: '', impact, startedAt: obs.at }, healthyRuns: 0 };
        } else {
          if (rank(impact) > rank(prev.open.impact)) {
            actions.push({ type: 'escalate', component, file: prev.open.file, impact, at: obs.at, level: obs.level, summary: obs.summary });
            state = { open: { ...prev.open, impact }, healthyRuns: 0 };
          } else {
            state = { ...prev, healthyRuns: 0 };
          }
        }
        break;
      }
    }
    if (state.open || state.healthyRuns > 0) next[component] = state;
  }
  return { state: { v: 1, components: next }, actions };
}
