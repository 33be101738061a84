import type { WeightEntry, WeightGroup } from './manifest.js';
import type { FileExpectation, WeightsStore } from './store.js';

/**
 * Reads the bytes of `wanted` entries of one group, fetching only the shards those bytes fall in.
 * A group's bytes are its shards back to back; the tfjs converter cuts them into equal shards with a
 * shorter last one, but model.json does not record the shard size, so the first shard is always read
 * to learn it, and every other shard read must then have exactly the size that implies.
 */
export async function readGroupEntries(
  store: WeightsStore,
  group: WeightGroup,
  wanted: readonly WeightEntry[],
): Promise<Map<WeightEntry, Uint8Array>> {
  const { paths, byteLength: total } = group;
  const first = await store.read(paths[0], firstShard(total, paths.length));
  const shardSize = paths.length === 1 ? total : first.byteLength;
  const shards: (Uint8Array | undefined)[] = [first];

  for (const [index, path] of paths.entries()) {
    if (index === 0) continue;
    const start = index * shardSize;
    const end = Math.min(start + shardSize, total);
    if (wanted.some((entry) => entry.byteLength > 0 && entry.offset < end && entry.offset + entry.byteLength > start)) {
      shards[index] = await store.read(path, { length: { min: end - start, max: end - start } });
    }
  }
  return new Map(wanted.map((entry) => [entry, copyRange(shards, shardSize, entry.offset, entry.byteLength)]));
}

/** Any shard size that leaves a last shard of 1…size bytes is consistent with the group's total. */
function firstShard(total: number, count: number): FileExpectation {
  if (count === 1) return { length: { min: total, max: total } };
  return { length: { min: Math.ceil(total / count), max: Math.floor((total - 1) / (count - 1)) } };
}

function copyRange(
  shards: readonly (Uint8Array | undefined)[],
  shardSize: number,
  offset: number,
  length: number,
): Uint8Array {
  const out = new Uint8Array(length);
  for (let position = offset; position < offset + length;) {
    const index = Math.floor(position / shardSize);
    const shard = shards[index];
    if (shard === undefined) throw new Error(`shard ${index} was needed but not read`);
    const within = position - index * shardSize;
    const count = Math.min(shard.byteLength - within, offset + length - position);
    out.set(shard.subarray(within, within + count), position - offset);
    position += count;
  }
  return out;
}
