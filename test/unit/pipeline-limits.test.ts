import { describe, expect, it } from 'vitest';
import { aloneBytes, sendChunks } from '../../src/commands/pipeline/limits.js';
import { parallelMetadata, recordedParallel } from '../../src/commands/pipeline/fencing.js';

const rec = (value: number, headers: Record<string, Buffer> = {}) => ({ key: null, value: Buffer.alloc(value, 120), headers });

describe('aloneBytes', () => {
  // Measured against a broker with max.message.bytes=10000: it accepts 10000 and refuses 10001.
  it.each([
    [rec(9928), 10000],
    [rec(9929), 10001],
    [{ key: Buffer.alloc(5), value: Buffer.alloc(9601), headers: { h: Buffer.from('abc'), 'kstream-error': Buffer.alloc(300) } }, 10000],
  ])('%#: the size of a batch of one record', (r, bytes) => expect(aloneBytes(r)).toBe(bytes));
});

describe('sendChunks', () => {
  it('keeps each send within the limit and the count', () => {
    const records = Array.from({ length: 10 }, () => rec(300));
    const chunks = sendChunks(records, 1000, 100);
    expect(chunks.map((c) => c.length)).toEqual([2, 2, 2, 2, 2]);
    expect(sendChunks(records, 1_000_000, 4).map((c) => c.length)).toEqual([4, 4, 2]);
    // A record over the limit alone still gets a send of its own (the size check is the stage's).
    expect(sendChunks([rec(5000), rec(1)], 1000, 100).map((c) => c.length)).toEqual([1, 1]);
  });
});

describe('recordedParallel', () => {
  const at = (metadata: string | null) => ({ topic: 't', partition: 0, offset: '5', metadata });
  it('is the highest --parallel in the offsets metadata, at least 1', () => {
    expect(recordedParallel([])).toBe(1);
    expect(recordedParallel([at(null), at('other'), at('kstream-parallel=x')])).toBe(1);
    expect(recordedParallel([at(parallelMetadata(3)), at(parallelMetadata(2)), at(null)])).toBe(3);
  });
});
