/** The demo's configuration for tests: written by writeDemoRepo with targets nobody listens on. */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/load.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { writeDemoRepo } from './repo.ts';
import type { DemoTargets } from './targets.ts';

export const UNUSED_TARGETS: DemoTargets = {
  healthy: 'http://127.0.0.1:9/healthy',
  slow: 'http://127.0.0.1:9/slow',
  failing: 'http://127.0.0.1:9/failing',
  flapping: 'http://127.0.0.1:9/flapping',
  tcp: { host: '127.0.0.1', port: 9 },
  rdap: 'http://127.0.0.1:9/rdap/',
  slowDelayMs: 1200,
  close: async () => {},
};

/** A fresh folder (or `dir`) holding the demo configuration for `now`, loaded. */
export async function demoConfig(now: number, dir?: string): Promise<ResolvedConfig> {
  const target = dir ?? path.join(await mkdtemp(path.join(os.tmpdir(), 'cairn-demo-seed-')), 'status');
  await writeDemoRepo(target, UNUSED_TARGETS, now);
  return loadConfig(target);
}
