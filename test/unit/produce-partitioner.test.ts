import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createAssigner, murmur2, partitionForKey } from '../../src/commands/produce/partitioner.js';

// kafkajs's Java-compatible hash, to check ours against on random keys.
const kafkajsMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (k: Buffer) => number;

describe('murmur2', () => {
  // The vectors of Kafka's own UtilsTest.testMurmur2.
  it.each<[string, number]>([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %j like the Java client', (key, hash) => expect(murmur2(Buffer.from(key))).toBe(hash));

  it('agrees with kafkajs on random keys of every length remainder', () => {
    for (let i = 0; i < 500; i++) {
      const key = randomBytes(i % 37);
      expect(murmur2(key), key.toString('hex')).toBe(kafkajsMurmur2(key));
    }
  });

  it('maps a key to a partition in range, the same each time', () => {
    for (let i = 0; i < 100; i++) {
      const key = randomBytes(8);
      const p = partitionForKey(key, 7);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(7);
      expect(partitionForKey(key, 7)).toBe(p);
      expect(p).toBe((kafkajsMurmur2(key) & 0x7fffffff) % 7);
    }
  });
});

describe('createAssigner', () => {
  it('spreads keyless records round-robin', () => {
    const assign = createAssigner(3);
    const seen = Array.from({ length: 6 }, () => assign(null));
    expect(new Set(seen.slice(0, 3))).toEqual(new Set([0, 1, 2]));
    expect(seen.slice(3)).toEqual(seen.slice(0, 3));
  });

  it('hashes keys', () => expect(createAssigner(5)(Buffer.from('foobar'))).toBe(partitionForKey(Buffer.from('foobar'), 5)));
});
