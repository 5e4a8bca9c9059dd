import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../store/layout.ts';
import { HISTORY_DAYS, WEEKLY_PATCHING, demoStory } from './story.ts';

const COMPONENT_OF: Record<string, string> = { website: 'website', 'api-latency': 'api', 'api-orders': 'api', search: 'search', database: 'database' };
const MIN = 60_000;

describe('the demo story', () => {
  it('is anchored to now: 90 whole UTC days before today, ending just before now', () => {
    const now = Date.parse('2026-03-18T10:17:42Z');
    const story = demoStory(now);
    expect(new Date(story.from).toISOString()).toBe('2025-12-18T00:00:00.000Z');
    expect((Date.parse('2026-03-18T00:00:00Z') - story.from) / DAY_MS).toBe(HISTORY_DAYS);
    expect(story.until).toBeLessThan(now);
    expect(now - story.until).toBeLessThan(60_000);
    expect(demoStory(now)).toEqual(story);
    // The three-hour outage falls on a weekday about 40 days ago.
    const outage = story.events.find((e) => e.id === 'api-outage');
    expect(outage && outage.end - outage.start).toBe(3 * 3_600_000);
    expect([1, 2, 3, 4, 5]).toContain(new Date(outage?.start ?? 0).getUTCDay());
    expect(Math.round((now - (outage?.start ?? 0)) / DAY_MS)).toBeGreaterThanOrEqual(40);
    // One maintenance window is past, one is upcoming.
    expect(story.maintenance.some((m) => m.start + m.durationMs < now)).toBe(true);
    expect(story.maintenance.some((m) => m.start > now)).toBe(true);
  });

  // Whatever the time the demo runs, each event that people write into opens its incident first:
  // some round between its start and the first edit sees its component failing outside maintenance.
  it('opens an incident before every edit, for every time of the week the demo may run', () => {
    const start = Date.parse('2026-03-15T00:00:00Z'); // a Sunday
    for (let now = start; now < start + 7 * DAY_MS; now += 10 * MIN) {
      const story = demoStory(now);
      const inMaintenance = (component: string, t: number) => {
        const day = Math.floor(t / DAY_MS) * DAY_MS;
        const [h, m] = WEEKLY_PATCHING.at.split(':').map(Number) as [number, number];
        const patching = day + h * 3_600_000 + m * MIN;
        if (new Date(day).getUTCDay() === WEEKLY_PATCHING.weekday && (WEEKLY_PATCHING.components as readonly string[]).includes(component) && t >= patching && t < patching + WEEKLY_PATCHING.durationMs) return true;
        return story.maintenance.some((w) => w.components.includes(component) && t >= w.start && t < w.start + w.durationMs);
      };
      for (const edit of story.edits) {
        const event = story.events.find((e) => e.id === edit.event);
        expect(event, edit.event).toBeDefined();
        if (!event) continue;
        let opened = false;
        for (let t = event.start; t < Math.min(edit.at, event.end, story.until) && !opened; t += MIN) {
          opened = event.checks.some((id) => !inMaintenance(COMPONENT_OF[id] as string, t));
        }
        expect(opened, `${edit.event} with now ${new Date(now).toISOString()}`).toBe(true);
        expect(edit.at).toBeLessThan(story.until);
      }
    }
  });
});
