/** `--shard i/n`: the configuration narrowed to the checks of one shard. */
import type { ResolvedConfig } from '../config/types.ts';
import { parseRegion } from '../store/region.ts';
import { type Shard, inShard, parseShard } from '../store/shard.ts';
import { UsageError } from './errors.ts';

export const SHARD_OPTION = { shard: { type: 'string' } } as const;

export function shardOption(value: string | undefined): Shard | null {
  if (value === undefined) return null;
  const shard = parseShard(value);
  if (typeof shard === 'string') throw new UsageError(`--shard: ${shard}`);
  return shard.count === 1 ? null : shard;
}

/**
 * A shard is a stable set of COMPONENTS (FNV-1a of the component id): every check of a component
 * runs in the same shard, so that shard alone decides the component's incidents and alerts and
 * keeps them in its own state files.
 */
export function shardConfig(config: ResolvedConfig, shard: Shard | null): ResolvedConfig {
  return shard ? { ...config, checks: config.checks.filter((c) => inShard(c.component, shard)) } : config;
}

/** Suffix of the state files of a shard (`.shard-2-of-4`), empty when not sharded. */
export function stateSuffix(shard: Shard | null | undefined): string {
  return shard && shard.count > 1 ? `.shard-${shard.index}-of-${shard.count}` : '';
}

export const REGION_OPTION = { region: { type: 'string' } } as const;

/** `--region <name>`, else `CAIRN_REGION`, else none (the single-region store). */
export function regionOption(value: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  const raw = value ?? (env['CAIRN_REGION'] || undefined);
  if (raw === undefined) return null;
  const region = parseRegion(raw);
  if (typeof region !== 'string') throw new UsageError(`${value === undefined ? 'CAIRN_REGION' : '--region'}: ${region.error}`);
  return region;
}
