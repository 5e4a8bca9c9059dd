/**
 * Sharding: `cairn check --shard i/n` runs a stable subset of the checks and writes its own day
 * file, so n runners work in parallel without ever touching the same file.
 *
 * A check belongs to shard `(fnv1a32(id) mod n) + 1`: stable across runs and machines, and
 * independent of the order of the configuration files.
 */
export interface Shard {
  /** 1-based index, 1..count. */
  index: number;
  count: number;
}

/** 32-bit FNV-1a of the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The 1-based shard a check id belongs to among `count` shards. */
export function shardOf(id: string, count: number): number {
  return (fnv1a32(id) % count) + 1;
}

export function inShard(id: string, shard: Shard | null | undefined): boolean {
  return !shard || shard.count === 1 || shardOf(id, shard.count) === shard.index;
}

/** Parses `i/n` (1 <= i <= n <= 256); returns a reason when it is not one. */
export function parseShard(text: string): Shard | string {
  const m = /^(\d{1,3})\/(\d{1,3})$/.exec(text.trim());
  if (!m) return `expected a shard as "i/n" such as "1/4", found ${JSON.stringify(text)}`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > 256 || index < 1 || index > count) return `expected 1 <= i <= n <= 256 in "i/n", found ${JSON.stringify(text)}`;
  return { index, count };
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
