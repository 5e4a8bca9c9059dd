import { describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '../checks/types.ts';
import { computeModel } from '../model/model.ts';
import { fixtureConfig } from '../model/testing.ts';
import { EMPTY_OBSERVATIONS, deriveRoundEvents } from '../notify/events.ts';
import { componentBadges } from '../site/badges.ts';
import { strings } from '../site/i18n.ts';
import { StatuspageApi } from '../site/statuspage.ts';
import type { Sample } from '../store/samples.ts';
import { type StateKey, STATE_WORDS, stateWord, worstState } from './states.ts';

const NOW = Date.parse('2026-11-24T12:00:00Z');

/** A page of one component with two checks in the given statuses. */
function page(a: CheckStatus, b: CheckStatus) {
  const config = fixtureConfig({ checks: [{ id: 'web-a', component: 'web' }, { id: 'web-b', component: 'web' }] });
  const samples: Sample[] = [
    { id: 'web-a', at: NOW - 60_000, status: a, responseTimeMs: 10, error: a === 'up' ? null : 'x', statusCode: null },
    { id: 'web-b', at: NOW - 60_000, status: b, responseTimeMs: 10, error: b === 'up' ? null : 'x', statusCode: null },
  ];
  return { config, model: computeModel({ config, samples, now: NOW }) };
}

describe('one vocabulary for a state (issue 14: "Some systems are down", "Major Service Outage", "down")', () => {
  it.each<[CheckStatus, CheckStatus, StateKey, string, string, string, string]>([
    ['up', 'up', 'up', 'Operational', 'All systems operational', 'operational', 'none'],
    ['degraded', 'up', 'degraded', 'Degraded performance', 'Degraded performance', 'degraded_performance', 'minor'],
    ['down', 'degraded', 'partial', 'Partial outage', 'Partial outage', 'partial_outage', 'major'],
    ['down', 'down', 'down', 'Major outage', 'Major outage', 'major_outage', 'critical'],
    ['maintenance', 'maintenance', 'maintenance', 'Under maintenance', 'Under maintenance', 'under_maintenance', 'none'],
  ])('%s + %s: %s', (a, b, state, label, banner, spComponent, spIndicator) => {
    const { config, model } = page(a, b);
    const web = model.components[0]!;
    expect([web.state, model.state]).toEqual([state, state]);
    const t = strings('en');
    // Page: the pill and the banner.
    expect(t.state[web.state]).toBe(label);
    expect(t.pageState[model.state]).toBe(banner);
    // API: Statuspage's enums, and the banner's sentence as the description.
    const api = new StatuspageApi(model, 'https://status.example.com/');
    expect(api.components().find((c) => c.id === 'web')?.status).toBe(spComponent);
    expect(api.status()).toEqual({ indicator: spIndicator, description: banner });
    // Badge: the label in lower case.
    expect(componentBadges(web).find((x) => x.name === 'status')?.endpoint.message).toBe(label.toLowerCase());
    // Notifications: the same word in the title of a component event.
    if (state === 'degraded' || state === 'partial' || state === 'down') {
      config.incidents.auto = false;
      const result = (id: string, status: CheckStatus): CheckResult => ({ id, kind: 'tcp', status, responseTimeMs: 10, error: 'x', checkedAt: new Date(NOW).toISOString(), attempts: 1 });
      const { events } = deriveRoundEvents(config, { results: [result('web-a', a), result('web-b', b)], applied: [], previous: EMPTY_OBSERVATIONS, now: NOW });
      expect(events.map((e) => e.title)).toEqual([`web: ${label.toLowerCase()}`]);
    }
  });

  it('the German page has a word for every state', () => {
    for (const [key, words] of Object.entries(STATE_WORDS.de)) {
      expect(words.label, key).not.toBe(STATE_WORDS.en[key as StateKey].label);
      expect(strings('de').state[key as StateKey]).toBe(words.label);
    }
  });

  it('worst state: down > partial > degraded > maintenance > up; no data only alone', () => {
    expect(worstState(['up', 'partial', 'degraded'])).toBe('partial');
    expect(worstState(['partial', 'down'])).toBe('down');
    expect(worstState(['nodata', 'up'])).toBe('up');
    expect(worstState([])).toBe('nodata');
    expect(stateWord('partial')).toBe('partial outage');
  });
});
