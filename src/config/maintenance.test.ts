import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigErrors } from './errors.ts';
import { loadConfig } from './load.ts';
import { DEFAULT_RESPONSE } from './incident-response.ts';

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-maint-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

const CHECKS = 'checks:\n  - id: api\n    kind: tcp\n    host: 127.0.0.1\n    port: 1\n';

async function errorsOf(files: Record<string, string>): Promise<string[]> {
  try {
    await loadConfig(await repo(files), { env: {} });
  } catch (err) {
    if (err instanceof ConfigErrors) return err.errors.map(String);
    throw err;
  }
  return [];
}

describe('maintenance and incident settings', () => {
  it('resolves one-off and recurring windows, the zone defaulting to the site zone', async () => {
    const dir = await repo({
      'cairn.yaml': 'site:\n  title: T\n  timeZone: Europe/Berlin\nincidents:\n  resolveAfter: 3\n',
      'checks/a.yaml': `${CHECKS}maintenance:\n  - id: upgrade\n    title: DB upgrade\n    components: [api]\n    start: 2026-12-01T02:00:00Z\n    duration: 90m\n  - id: weekly\n    title: Patching\n    components: [api]\n    recurring: { every: week, at: "02:00", duration: 2h }\n`,
    });
    const config = await loadConfig(dir, { env: {} });
    expect(config.incidents).toEqual({ auto: true, resolveAfter: 3, response: DEFAULT_RESPONSE });
    expect(config.maintenance).toEqual([
      {
        id: 'upgrade',
        title: 'DB upgrade',
        description: null,
        components: ['api'],
        start: Date.parse('2026-12-01T02:00:00Z'),
        end: Date.parse('2026-12-01T03:30:00Z'),
        recurring: null,
      },
      {
        id: 'weekly',
        title: 'Patching',
        description: null,
        components: ['api'],
        start: null,
        end: null,
        recurring: { every: 'week', on: ['sunday'], at: '02:00', durationMs: 7_200_000, timeZone: 'Europe/Berlin', from: null, until: null },
      },
    ]);
  });

  it.each<[string, string, string]>([
    ['unknown component', '  - id: m\n    title: M\n    components: [nope]\n    start: 2026-12-01T02:00:00Z\n    duration: 1h\n', 'checks/a.yaml:9:18: maintenance[0].components[0]: unknown component "nope"'],
    ['end before start', '  - id: m\n    title: M\n    components: [api]\n    start: 2026-12-01T02:00:00Z\n    end: 2026-12-01T01:00:00Z\n', 'checks/a.yaml:11:10: maintenance[0].end: expected "end" after "start"'],
    ['neither end nor duration', '  - id: m\n    title: M\n    components: [api]\n    start: 2026-12-01T02:00:00Z\n', 'maintenance[0].start: expected exactly one of "end" or "duration"'],
    ['no timing at all', '  - id: m\n    title: M\n    components: [api]\n', 'checks/a.yaml:7:5: maintenance[0]: expected "start" with "end" or "duration"'],
    ['bad local time', '  - id: m\n    title: M\n    components: [api]\n    recurring: { every: day, at: "2am", duration: 1h }\n', 'maintenance[0].recurring.at: expected a local time such as "02:00"'],
    ['time without offset', '  - id: m\n    title: M\n    components: [api]\n    start: 2026-12-01T02:00\n    duration: 1h\n', 'maintenance[0].start: expected a time with its offset'],
  ])('%s is an error with file and line', async (_name, window, want) => {
    const errors = await errorsOf({ 'checks/a.yaml': `${CHECKS}maintenance:\n${window}` });
    expect(errors.join('\n')).toContain(want);
  });

  it('incident settings belong in cairn.yaml only', async () => {
    const errors = await errorsOf({ 'checks/a.yaml': `${CHECKS}incidents:\n  resolveAfter: 2\n` });
    expect(errors.join('\n')).toContain('checks/a.yaml:6:1: incidents: expected "incidents" only in cairn.yaml');
  });
});
