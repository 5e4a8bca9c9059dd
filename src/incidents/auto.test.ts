import { describe, expect, it } from 'vitest';
import { EMPTY_STATE, step, type Action, type AutoState, type Observation } from './auto.ts';

const M = 60_000;
type Obs = 'up' | 'degraded' | 'partial' | 'down' | 'maint' | '?';

function observation(o: Obs, at: number): Observation {
  if (o === '?') return { kind: 'unknown' };
  if (o === 'maint') return { kind: 'maintenance' };
  if (o === 'up') return { kind: 'healthy', at };
  return { kind: 'failing', at, level: o, summary: `api is ${o}` };
}

/** Runs a sequence of observations of one component; returns the actions as short strings. */
function run(seq: Obs[], resolveAfter = 2): string[] {
  let state: AutoState = EMPTY_STATE;
  const out: string[] = [];
  seq.forEach((o, i) => {
    const r = step({ state, observations: { api: observation(o, i * 5 * M) }, components: ['api'], resolveAfter, now: i * 5 * M });
    for (const a of r.actions) out.push(`${i}:${short(a)}`);
    state = r.state;
    // The executor writes the file and records its name.
    for (const c of Object.values(state.components)) if (c.open && !c.open.file) c.open.file = `incidents/api-${i}.md`;
  });
  return out;
}

function short(a: Action): string {
  if (a.type === 'open') return `open ${a.impact}`;
  if (a.type === 'escalate') return `escalate ${a.impact}`;
  return `resolve ${a.reason}`;
}

describe('automatic incident state machine', () => {
  it.each<[string, Obs[], string[]]>([
    ['healthy runs do nothing', ['up', 'up', 'up'], []],
    ['down opens, two healthy runs resolve', ['up', 'down', 'down', 'up', 'up', 'up'], ['1:open critical', '4:resolve healthy']],
    ['degraded is minor', ['degraded', 'up', 'up'], ['0:open minor', '2:resolve healthy']],
    ['partial outage is major', ['partial', 'up', 'up'], ['0:open major', '2:resolve healthy']],
    ['flapping keeps one incident open', ['down', 'up', 'down', 'up', 'down', 'up', 'up'], ['0:open critical', '6:resolve healthy']],
    ['impact escalates, never de-escalates', ['degraded', 'down', 'degraded', 'up', 'up'], ['0:open minor', '1:escalate critical', '4:resolve healthy']],
    ['maintenance opens nothing', ['maint', 'maint', 'up'], []],
    ['maintenance neither resolves nor counts as healthy', ['down', 'up', 'maint', 'up'], ['0:open critical', '3:resolve healthy']],
    ['runs that did not check the component change nothing', ['down', 'up', '?', '?', 'up'], ['0:open critical', '4:resolve healthy']],
    ['a new failure after resolution opens a new incident', ['down', 'up', 'up', 'down'], ['0:open critical', '2:resolve healthy', '3:open critical']],
  ])('%s', (_name, seq, want) => {
    expect(run(seq)).toEqual(want);
  });

  it('resolveAfter is configurable', () => {
    expect(run(['down', 'up', 'up', 'up'], 3)).toEqual(['0:open critical', '3:resolve healthy']);
    expect(run(['down', 'up'], 1)).toEqual(['0:open critical', '1:resolve healthy']);
  });

  it('resolves the open incident of a component removed from the configuration', () => {
    const state: AutoState = { v: 1, components: { old: { open: { file: 'incidents/old.md', impact: 'critical', startedAt: 0 }, healthyRuns: 0 } } };
    const r = step({ state, observations: {}, components: ['api'], resolveAfter: 2, now: 10 });
    expect(r.actions).toEqual([{ type: 'resolve', component: 'old', file: 'incidents/old.md', at: 10, reason: 'removed', healthyRuns: 0 }]);
    expect(r.state.components).toEqual({});
  });

  it('keeps one open incident per component, independently', () => {
    const r = step({
      state: EMPTY_STATE,
      observations: { a: observation('down', 1), b: observation('degraded', 1), c: observation('up', 1) },
      components: ['a', 'b', 'c'],
      resolveAfter: 2,
      now: 1,
    });
    expect(r.actions.map((a) => `${a.component}:${short(a)}`)).toEqual(['a:open critical', 'b:open minor']);
    expect(Object.keys(r.state.components)).toEqual(['a', 'b']);
  });
});
