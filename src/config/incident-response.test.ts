import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigErrors } from './errors.ts';
import { DEFAULT_RESPONSE } from './incident-response.ts';
import { loadConfig } from './load.ts';

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-response-config-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

const CHECKS = 'checks:\n  - id: api\n    kind: tcp\n    host: 127.0.0.1\n    port: 1\n';
const CHANNELS = 'notifications:\n  channels:\n    oncall: { type: webhook, url: "http://127.0.0.1:9/hook", secret: "x1234567" }\n    lead: { type: webhook, url: "http://127.0.0.1:9/lead", secret: "y1234567" }\n';

async function errorsOf(cairn: string): Promise<string[]> {
  try {
    await loadConfig(await repo({ 'cairn.yaml': cairn, 'checks/a.yaml': CHECKS }), { env: {} });
  } catch (err) {
    if (err instanceof ConfigErrors) return err.errors.map(String);
    throw err;
  }
  return [];
}

describe('incidents.response', () => {
  it('defaults: P1 15 minutes, P2 30 minutes, P3 2 hours, P4 24 hours; postmortems for P1 and P2 within 5 days', async () => {
    const config = await loadConfig(await repo({ 'checks/a.yaml': CHECKS }), { env: {} });
    expect(config.incidents.response).toEqual(DEFAULT_RESPONSE);
    expect(Object.values(DEFAULT_RESPONSE).map((r) => [r.acknowledgeMs / 60_000, r.postmortemMs === null ? null : r.postmortemMs / 86_400_000])).toEqual([
      [15, 5],
      [30, 5],
      [120, null],
      [1440, null],
    ]);
  });

  it('overrides one severity at a time', async () => {
    const dir = await repo({
      'cairn.yaml': `${CHANNELS}incidents:\n  response:\n    P1: { acknowledge: 5m, escalateTo: [oncall, lead], postmortem: 3d }\n    P3: { escalateTo: lead, postmortem: 10d }\n    P4: { postmortem: false }\n`,
      'checks/a.yaml': CHECKS,
    });
    const config = await loadConfig(dir, { env: {} });
    expect(config.incidents.response).toEqual({
      P1: { acknowledgeMs: 5 * 60_000, escalateTo: ['oncall', 'lead'], postmortemMs: 3 * 86_400_000 },
      P2: DEFAULT_RESPONSE.P2,
      P3: { acknowledgeMs: 2 * 3_600_000, escalateTo: ['lead'], postmortemMs: 10 * 86_400_000 },
      P4: { ...DEFAULT_RESPONSE.P4, postmortemMs: null },
    });
  });

  it.each([
    ['an unknown channel', `${CHANNELS}incidents:\n  response:\n    P2:\n      escalateTo: [oncall, pager]\n`, 'cairn.yaml:8:28: incidents.response.P2.escalateTo[1]: unknown channel "pager" (declared: oncall, lead)'],
    ['a channel without notifications', 'incidents:\n  response:\n    P1: { escalateTo: oncall }\n', 'incidents.response.P1.escalateTo: unknown channel "oncall" (declared: none)'],
    ['an unknown severity', 'incidents:\n  response:\n    P5: { acknowledge: 1h }\n', 'cairn.yaml:3:5: incidents.response.P5'],
    ['a zero target', 'incidents:\n  response:\n    P1: { acknowledge: 0 }\n', 'cairn.yaml:3:24: incidents.response.P1.acknowledge'],
    ['an unknown field', 'incidents:\n  response:\n    P1: { ack: 10m }\n', 'cairn.yaml:3:11: incidents.response.P1.ack'],
  ])('%s is an error with file and line', async (_name, cairn, want) => {
    expect((await errorsOf(cairn)).join('\n')).toContain(want);
  });
});
