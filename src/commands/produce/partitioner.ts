import { randomInt } from 'node:crypto';

/**
 * Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2) in 32-bit integer arithmetic.
 * A JavaScript port with a Long object per step costs more than encoding the record; this one
 * allocates nothing.
 */
export function murmur2(data: Uint8Array, start = 0, end = data.length): number {
  const m = 0x5bd1e995;
  const length = end - start;
  let h = 0x9747b28c ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = start + i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = start + (length & ~3);
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[tail]!, m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's Java producer (and its default partitioner's ports) picks for `key` (or its bytes start..end). */
export function partitionForKey(key: Uint8Array, partitions: number, start = 0, end = key.length): number {
  return (murmur2(key, start, end) & 0x7fffffff) % partitions;
}

/**
 * Chooses each record's partition before it reaches the Kafka layer, so the sender knows where every
 * record goes: keyed records by murmur2 like the Java client, the others round-robin.
 */
export function createAssigner(partitions: number): (key: Buffer | null) => number {
  let next = randomInt(partitions);
  return (key) => {
    if (key !== null) return partitionForKey(key, partitions);
    next = next + 1 === partitions ? 0 : next + 1;
    return next;
  };
}
