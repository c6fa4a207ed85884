import { describe, expect, it } from 'vitest';
import { arenaBuffer, arenaOffset, releaseBuffer } from '../../src/kafka/codec/arena.js';
import { BatchBuilder, encodeHeaders, NO_HEADERS } from '../../src/kafka/codec/encode.js';

const id = { producerId: 5n, producerEpoch: 1, baseSequence: 0 };

/** The same records into a pooled builder (arena buffers, memory.copy) and a plain one. */
function both(records: Array<[Buffer | null, Buffer | null, Buffer]>, source: (b: Buffer) => Buffer) {
  const pooled = new BatchBuilder(1 << 20, undefined, true);
  const plain = new BatchBuilder(1 << 20);
  for (const [k, v, h] of records) {
    const key = k && source(k);
    const value = v && source(v);
    pooled.append(7, key, 0, key?.length ?? 0, value, 0, value?.length ?? 0, h);
    plain.append(7, k, 0, k?.length ?? 0, v, 0, v?.length ?? 0, h);
  }
  return [Buffer.from(pooled.sealPlain(id)), Buffer.from(plain.sealPlain(id))];
}

describe('the arena', () => {
  it('hands out blocks of at least the size asked, in the arena, and reuses a released one', () => {
    const a = arenaBuffer(20_000);
    expect(a.length).toBe(32 << 10);
    expect(arenaOffset(a)).toBeGreaterThanOrEqual(0);
    const at = arenaOffset(a);
    releaseBuffer(a);
    expect(arenaOffset(arenaBuffer(30_000))).toBe(at);
    expect(arenaOffset(Buffer.alloc(100))).toBe(-1);
  });

  it('gives an ordinary buffer for a block larger than its largest', () => {
    const big = arenaBuffer((2 << 20) + 1);
    expect(big.length).toBe((2 << 20) + 1);
    expect(arenaOffset(big)).toBe(-1);
    releaseBuffer(big); // ignored
  });

  it('makes the same batch bytes with memory.copy as without, for sources in and out of the arena', () => {
    const records: Array<[Buffer | null, Buffer | null, Buffer]> = [];
    for (let i = 0; i < 300; i++) {
      const value = Buffer.from(Array.from({ length: (i * 37) % 700 }, (_, j) => (i * 31 + j) & 0xff));
      const key = i % 3 === 0 ? null : Buffer.from(`key-${i}`.repeat(i % 5));
      records.push([key, i % 11 === 0 ? null : value, i % 4 === 0 ? encodeHeaders([[Buffer.from('h'), Buffer.alloc(40, i)]]) : NO_HEADERS]);
    }
    const inArena = (b: Buffer) => {
      const copy = arenaBuffer(Math.max(b.length, 1)).subarray(0, b.length);
      b.copy(copy);
      return copy;
    };
    const [viaArena, plain] = both(records, inArena);
    expect(viaArena.equals(plain)).toBe(true);
    const [mixed, plain2] = both(records, (b) => b);
    expect(mixed.equals(plain2)).toBe(true);
  });

  it('grows a pooled batch past its first block with every byte kept', () => {
    const value = arenaBuffer(1000).fill(0x5a);
    const pooled = new BatchBuilder(1 << 20, undefined, true);
    const plain = new BatchBuilder(1 << 20);
    for (let i = 0; i < 200; i++) {
      pooled.append(1, null, 0, 0, value, 0, 1000, NO_HEADERS);
      plain.append(1, null, 0, 0, Buffer.alloc(1000, 0x5a), 0, 1000, NO_HEADERS);
    }
    expect(Buffer.from(pooled.sealPlain(id)).equals(Buffer.from(plain.sealPlain(id)))).toBe(true);
  });
});
