import { describe, expect, it } from 'vitest';
import { DEFAULT_RESPONSE } from '../config/incident-response.ts';
import { parseIncident } from './parse.ts';
import { acknowledgeOutcome, checklistProgress, overdue, postmortemDone, postmortemDueAt, renderChecklist, timeToAcknowledgeMs } from './response.ts';
import type { Incident } from './types.ts';
import { renderIncident, updateIncidentText } from './write.ts';

const FILE = 'incidents/2026-11-24-api.md';
const T0 = Date.parse('2026-11-24T10:00:00Z');
const M = 60_000;

const FULL = `---
title: Elevated API error rates
impact: major
components: [api]
started: 2026-11-24T10:00:00Z
detected: 2026-11-24T10:02:00Z
owner: Dana (payments on-call)   # who leads the response
acknowledged:
  at: 2026-11-24T10:09:00Z
  by: dana
actions:
  - title: Alert on connection pool saturation
    owner: dana
    due: 2026-12-05
  - title: Load-test the pool size
    state: done
  - { title: Rewrite the ORM, state: dropped }
updates:
  - at: 2026-11-24T10:05:00Z
    status: investigating
    text: We are looking into errors on the API.
---
What happened.

## Response checklist

- [x] Acknowledge within 30 minutes
- [X] Triage: find the impact
- [ ] Mitigate
- [ ] Call the vendor
- [ ] Resolve
- [ ] Postmortem

## Postmortem
Later.
`;

function parsed(text: string): Incident {
  const r = parseIncident(FILE, text);
  expect(r.errors.map((e) => e.message)).toEqual([]);
  return r.incident as Incident;
}

function errorsOf(text: string): string[] {
  return parseIncident(FILE, text).errors.map((e) => `${e.file}:${e.line}: ${e.path}: ${e.message}`);
}

describe('the response in the incident file', () => {
  it('reads owner, acknowledgement, action items and the checklist (which leaves the shown body)', () => {
    const i = parsed(FULL);
    expect(i.owner).toBe('Dana (payments on-call)');
    expect(i.acknowledged).toEqual({ at: T0 + 9 * M, by: 'dana', via: 'file' });
    expect(i.actions).toEqual([
      { title: 'Alert on connection pool saturation', owner: 'dana', due: '2026-12-05', state: 'open' },
      { title: 'Load-test the pool size', owner: null, due: null, state: 'done' },
      { title: 'Rewrite the ORM', owner: null, due: null, state: 'dropped' },
    ]);
    expect(i.checklist.map((c) => [c.step, c.done])).toEqual([
      ['acknowledge', true],
      ['triage', true],
      ['mitigate', false],
      [null, false],
      ['resolve', false],
      ['postmortem', false],
    ]);
    expect(checklistProgress(i)).toEqual({ done: 2, total: 6 });
    expect(i.body).toBe('What happened.\n\n## Postmortem\nLater.');
    expect(timeToAcknowledgeMs(i)).toBe(7 * M);
  });

  it('files without any of it read as before', () => {
    const i = parsed('---\ntitle: x\nstarted: 2026-11-24T10:00:00Z\n---\nBody.\n');
    expect(i).toMatchObject({ owner: null, acknowledged: null, checklist: [], actions: [], body: 'Body.' });
  });

  it('says what is wrong at file:line', () => {
    const base = '---\ntitle: x\nstarted: 2026-11-24T10:00:00Z\n';
    expect(errorsOf(`${base}acknowledged: { at: 2026-11-24T10:09:00Z }\n---\n`)[0]).toMatch(/^incidents\/2026-11-24-api\.md:4: acknowledged(\.by)?: .*by/);
    expect(errorsOf(`${base}acknowledged: { at: 2026-11-24T10:09:00Z, by: x, via: slack }\n---\n`)[0]).toMatch(/^incidents\/2026-11-24-api\.md:4: acknowledged\.via: expected one of .*file.*pagerduty.*github/);
    expect(errorsOf(`${base}acknowledged: { at: 2026-11-24T09:00:00Z, by: x }\n---\n`)).toEqual([`${FILE}:4: acknowledged.at: expected a time after "started"`]);
    expect(errorsOf(`${base}actions:\n  - title: a\n    state: finished\n---\n`)[0]).toMatch(/^incidents\/2026-11-24-api\.md:6: actions\[0\]\.state: expected one of .*open.*done.*dropped/);
    expect(errorsOf(`${base}actions:\n  - title: a\n    due: next week\n---\n`)).toEqual([`${FILE}:6: actions[0].due: expected a date such as 2026-12-01, got "next week"`]);
    expect(errorsOf(`${base}---\nText.\n\n## Response checklist\n- [ ] Acknowledge\n- [y] Triage\n- Mitigate\n`)).toEqual([
      `${FILE}:9: Response checklist: expected "[ ]" (to do) or "[x]" (done), got "[y]"`,
      `${FILE}:10: Response checklist: expected a task such as "- [ ] Triage" or "- [x] Triage"`,
    ]);
  });

  it('a new file carries the checklist of its severity, parsed back with every step open', () => {
    const text = renderIncident({
      title: 'API down',
      impact: 'critical',
      components: ['api'],
      auto: true,
      startedAt: T0,
      detectedAt: T0 + M,
      updates: [],
      body: '',
      owner: 'dana',
      checklist: renderChecklist('P1', DEFAULT_RESPONSE),
    });
    expect(text).toContain('- [ ] Acknowledge within 15 minutes');
    expect(text).toContain('- [ ] Postmortem within 5 days of the resolution');
    const i = parsed(text);
    expect(i.owner).toBe('dana');
    expect(i.checklist.map((c) => c.step)).toEqual(['acknowledge', 'triage', 'mitigate', 'resolve', 'postmortem']);
    expect(i.checklist.every((c) => !c.done)).toBe(true);
    expect(i.body).toBe('');
    expect(renderChecklist('P4', DEFAULT_RESPONSE)).toContain('Acknowledge within 1 day');
    expect(renderChecklist('P3', DEFAULT_RESPONSE)).toContain('Postmortem: optional for P3');
  });

  it('an acknowledgement recorded by Cairn keeps every human edit and ticks the step', () => {
    const text = renderIncident({ title: 'API down', impact: 'critical', components: ['api'], auto: true, startedAt: T0, detectedAt: T0, updates: [], body: 'Notes.', checklist: renderChecklist('P1', DEFAULT_RESPONSE) });
    const edited = text.replace('impact: critical', 'impact: major # lowered by hand\n# a comment of ours');
    const next = updateIncidentText(edited, { acknowledged: { at: T0 + 4 * M, by: 'Earline Greenholt', via: 'pagerduty' }, owner: 'Earline Greenholt' });
    expect(next).toContain('impact: major # lowered by hand\n# a comment of ours');
    expect(next).toMatch(/acknowledged:\n {2}at: 2026-11-24T10:04:00Z\n {2}by: Earline Greenholt\n {2}via: pagerduty/);
    const i = parsed(next);
    expect(i.owner).toBe('Earline Greenholt');
    expect(i.checklist.map((c) => c.done)).toEqual([true, false, false, false, false]);
    expect(i.body).toBe('Notes.');
    // A file acknowledged already is not acknowledged again, and a named owner stays.
    const again = updateIncidentText(next.replace('owner: Earline Greenholt', 'owner: dana'), { acknowledged: { at: T0 + 9 * M, by: 'x', via: 'github' }, owner: 'x' });
    expect(parsed(again).acknowledged).toEqual({ at: T0 + 4 * M, by: 'Earline Greenholt', via: 'pagerduty' });
    expect(parsed(again).owner).toBe('dana');
  });
});

describe('targets', () => {
  const inc = (over: Partial<Incident>): Incident => ({
    id: 'x', file: 'incidents/x.md', title: 'x', impact: 'major', severity: 'P2', components: [], auto: true, startedAt: T0, detectedAt: T0,
    resolvedAt: null, updates: [], body: '', owner: null, acknowledged: null, checklist: [], actions: [], ...over,
  });
  it.each([
    ['acknowledged in time', { acknowledged: { at: T0 + 30 * M, by: 'a', via: 'file' as const } }, T0 + 60 * M, 'met', false],
    ['acknowledged late', { acknowledged: { at: T0 + 31 * M, by: 'a', via: 'file' as const } }, T0 + 60 * M, 'missed', false],
    ['open, inside the target', {}, T0 + 29 * M, 'pending', false],
    ['open, past the target', {}, T0 + 30 * M + 1, 'missed', true],
    ['resolved in time without one', { resolvedAt: T0 + 20 * M }, T0 + 60 * M, 'met', false],
    ['resolved late without one', { resolvedAt: T0 + 40 * M }, T0 + 60 * M, 'missed', false],
    ['P1 at 15 minutes', { severity: 'P1' as const }, T0 + 15 * M, 'pending', false],
    ['P1 past 15 minutes', { severity: 'P1' as const }, T0 + 15 * M + 1, 'missed', true],
  ])('%s', (_name, over, now, outcome, isOverdue) => {
    expect(acknowledgeOutcome(inc(over), DEFAULT_RESPONSE, now)).toBe(outcome);
    expect(overdue(inc(over), DEFAULT_RESPONSE, now)).toBe(isOverdue);
  });
  it('postmortems: due for P1 and P2 five days after the resolution, done by an update or the checked step', () => {
    expect(postmortemDueAt(inc({ resolvedAt: T0 }), DEFAULT_RESPONSE)).toBe(T0 + 5 * 86_400_000);
    expect(postmortemDueAt(inc({ severity: 'P3', resolvedAt: T0 }), DEFAULT_RESPONSE)).toBeNull();
    expect(postmortemDueAt(inc({}), DEFAULT_RESPONSE)).toBeNull();
    expect(postmortemDone(inc({ updates: [{ at: T0, status: 'postmortem', text: 'x' }] }))).toBe(true);
    expect(postmortemDone(inc({ checklist: [{ step: 'postmortem', text: 'Postmortem', done: true }] }))).toBe(true);
    expect(postmortemDone(inc({}))).toBe(false);
  });
});
