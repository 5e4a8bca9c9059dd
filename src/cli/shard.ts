/** `--shard i/n`: the configuration narrowed to the checks of one shard. */
import type { ResolvedConfig } from '../config/types.ts';
import { type Shard, inShard, parseShard } from '../store/shard.ts';
import { UsageError } from './errors.ts';

export const SHARD_OPTION = { shard: { type: 'string' } } as const;

export function shardOption(value: string | undefined): Shard | null {
  if (value === undefined) return null;
  const shard = parseShard(value);
  if (typeof shard === 'string') throw new UsageError(`--shard: ${shard}`);
  return shard.count === 1 ? null : shard;
}

export function shardConfig(config: ResolvedConfig, shard: Shard | null): ResolvedConfig {
  return shard ? { ...config, checks: config.checks.filter((c) => inShard(c.id, shard)) } : config;
}
