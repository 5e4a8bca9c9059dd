import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../checks/types.ts';
import { applyAutoIncidents } from '../incidents/auto-run.ts';
import { fixtureConfig } from '../model/testing.ts';
import { shardConfig, stateSuffix } from './shard.ts';

const down = (id: string): CheckResult => ({ id, kind: 'tcp', status: 'down', responseTimeMs: null, error: 'refused', checkedAt: '2026-11-24T10:00:00.000Z', attempts: 1 });

describe('shards own components', () => {
  const config = fixtureConfig({
    checks: Array.from({ length: 24 }, (_, i) => ({ id: `c${i}`, component: `comp${i % 8}` })),
  });

  it('every check of a component lands in the same shard, and the shards cover every check once', () => {
    const shards = [1, 2, 3].map((index) => shardConfig(config, { index, count: 3 }));
    expect(shards.flatMap((s) => s.checks.map((c) => c.id)).sort()).toEqual(config.checks.map((c) => c.id).sort());
    for (const s of shards) {
      for (const comp of new Set(s.checks.map((c) => c.component))) {
        expect(s.checks.filter((c) => c.component === comp)).toHaveLength(3);
      }
    }
  });

  it('each shard keeps its own incident state and opens incidents only for its components', async () => {
    config.dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-shard-state-'));
    const opened: string[] = [];
    for (const index of [1, 2]) {
      const shard = { index, count: 2 };
      const part = shardConfig(config, shard);
      const actions = await applyAutoIncidents(part, part.checks.map((c) => down(c.id)), Date.parse('2026-11-24T10:00:05Z'), stateSuffix(shard));
      opened.push(...actions.map((a) => a.action.component));
    }
    expect(opened.sort()).toEqual(config.components.map((c) => c.id).sort()); // each component once
    expect((await readdir(path.join(config.dir, 'data', 'state'))).sort()).toEqual(['incidents.shard-1-of-2.json', 'incidents.shard-2-of-2.json']);
    expect(stateSuffix(null)).toBe('');
  });
});
