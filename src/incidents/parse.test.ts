import { describe, expect, it } from 'vitest';
import { parseIncident } from './parse.ts';
import { incidentStatus } from './types.ts';
import { renderIncident, updateIncidentText } from './write.ts';

const FILE = 'incidents/2026-11-24-api.md';

const GOOD = `---
title: Elevated API error rates
impact: major
components: [api]
started: 2026-11-24T10:00:00Z
updates:
  - at: 2026-11-24T10:05:00Z
    status: investigating
    text: We are looking into errors on the API.
  - at: 2026-11-24T10:20:00Z
    status: identified
    text: A bad deploy; rolling back.
---
A **postmortem** will follow.
`;

describe('parseIncident', () => {
  it('reads front matter and body', () => {
    const { incident, errors } = parseIncident(FILE, GOOD);
    expect(errors).toEqual([]);
    expect(incident).toMatchObject({
      id: '2026-11-24-api',
      title: 'Elevated API error rates',
      impact: 'major',
      severity: 'P2',
      components: ['api'],
      auto: false,
      startedAt: Date.parse('2026-11-24T10:00:00Z'),
      detectedAt: Date.parse('2026-11-24T10:00:00Z'),
      resolvedAt: null,
      body: 'A **postmortem** will follow.',
    });
    expect(incident!.updates.map((u) => u.status)).toEqual(['investigating', 'identified']);
    expect(incidentStatus(incident!)).toBe('identified');
  });

  it('a resolved update resolves the incident', () => {
    const text = GOOD.replace('---\nA **', '  - at: 2026-11-24T11:00:00Z\n    status: resolved\n    text: Fixed.\n---\nA **');
    const { incident } = parseIncident(FILE, text);
    expect(incident!.resolvedAt).toBe(Date.parse('2026-11-24T11:00:00Z'));
    expect(incidentStatus(incident!)).toBe('resolved');
  });

  it('a file parsed again with the same text is the same incident, frozen; another text or name is parsed anew', () => {
    const a = parseIncident(FILE, GOOD);
    const b = parseIncident(FILE, GOOD);
    expect(b.incident).toBe(a.incident);
    expect(Object.isFrozen(a.incident) && Object.isFrozen(a.incident!.updates) && Object.isFrozen(a.incident!.updates[0])).toBe(true);
    expect(() => (a.incident!.updates as unknown[]).push(1)).toThrow(TypeError);
    const changed = parseIncident(FILE, GOOD.replace('impact: major', 'impact: minor'));
    expect(changed.incident).not.toBe(a.incident);
    expect(changed.incident!.impact).toBe('minor');
    const renamed = parseIncident('incidents/other.md', GOOD);
    expect(renamed.incident!.id).toBe('other');
    // Errors are the same each time, in a list of the caller's own.
    const bad = GOOD.replace('impact: major', 'impact: huge');
    const e1 = parseIncident(FILE, bad).errors;
    const e2 = parseIncident(FILE, bad).errors;
    expect(e2).not.toBe(e1);
    expect(e2.map(String)).toEqual(e1.map(String));
  });

  it.each<[string, string, string]>([
    ['no front matter', 'just text\n', `${FILE}:1:1: expected front matter`],
    ['bad impact', GOOD.replace('impact: major', 'impact: huge'), `${FILE}:3:9: impact: expected one of`],
    ['bad update status', GOOD.replace('status: identified', 'status: fixing'), `${FILE}:11:13: updates[1].status: expected one of`],
    ['time without offset', GOOD.replace('started: 2026-11-24T10:00:00Z', 'started: 2026-11-24 10:00'), `${FILE}:5:10: started: expected a time with its offset`],
    ['unknown key', GOOD.replace('impact: major', 'impactt: major'), `${FILE}:3:1: impactt: unknown field "impactt" (did you mean "impact"?)`],
    ['missing title', GOOD.replace('title: Elevated API error rates\n', ''), 'missing required field "title"'],
    ['YAML syntax', GOOD.replace('components: [api]', 'components: [api'), `${FILE}:5:1: invalid YAML`],
    ['resolved before started', GOOD.replace('started: 2026-11-24T10:00:00Z', 'started: 2026-11-24T10:00:00Z\nresolved: 2026-11-24T09:00:00Z'), `${FILE}:6:11: resolved: expected a time after "started"`],
  ])('%s gives file and line', (_name, text, want) => {
    const { incident, errors } = parseIncident(FILE, text);
    expect(incident).toBeNull();
    expect(errors.map(String).join('\n')).toContain(want);
  });
});

describe('writing incidents', () => {
  const base = renderIncident({
    title: 'Public API is down',
    impact: 'critical',
    components: ['api'],
    auto: true,
    startedAt: Date.parse('2026-11-24T10:00:00Z'),
    detectedAt: Date.parse('2026-11-24T10:00:05Z'),
    updates: [{ at: Date.parse('2026-11-24T10:00:05Z'), status: 'investigating', text: 'Cairn detected that Public API is down: HTTP 503.' }],
    body: '',
  });

  it('renders a file that parses back', () => {
    const { incident, errors } = parseIncident(FILE, base);
    expect(errors).toEqual([]);
    expect(incident).toMatchObject({ title: 'Public API is down', impact: 'critical', auto: true, severity: 'P1' });
    expect(incident!.detectedAt - incident!.startedAt).toBe(5000);
  });

  it('keeps every human edit when Cairn appends an update and resolves', () => {
    const human = base
      .replace('title: "Public API is down"', 'title: "Checkout failures" # renamed by on-call')
      .replace('impact: critical', 'impact: major')
      .replace(/---\n$/, '---\n\n## Postmortem\n\nThe database ran out of connections.\n')
      .replace(
        '    text: "Cairn detected that Public API is down: HTTP 503."',
        '    text: "Cairn detected that Public API is down: HTTP 503."\n  - at: 2026-11-24T10:10:00Z\n    status: identified\n    text: Connection pool exhausted.',
      );
    const updated = updateIncidentText(human, {
      add: [{ at: Date.parse('2026-11-24T10:30:00Z'), status: 'resolved', text: 'Healthy again.' }],
      resolvedAt: Date.parse('2026-11-24T10:30:00Z'),
    });
    expect(updated).toContain('title: "Checkout failures" # renamed by on-call');
    expect(updated).toContain('## Postmortem\n\nThe database ran out of connections.');
    const { incident, errors } = parseIncident(FILE, updated);
    expect(errors).toEqual([]);
    expect(incident).toMatchObject({ title: 'Checkout failures', impact: 'major', resolvedAt: Date.parse('2026-11-24T10:30:00Z') });
    expect(incident!.updates.map((u) => [u.status, u.text])).toEqual([
      ['investigating', 'Cairn detected that Public API is down: HTTP 503.'],
      ['identified', 'Connection pool exhausted.'],
      ['resolved', 'Healthy again.'],
    ]);
  });
});
