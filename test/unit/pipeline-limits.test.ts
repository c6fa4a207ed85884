import { describe, expect, it } from 'vitest';
import { aloneBytes } from '../../src/commands/pipeline/limits.js';
import { NO_HEADERS } from '../../src/kafka/codec/encode.js';
import { TransactionRecords } from '../../src/kafka/produce/transaction.js';
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

describe('the batches of a transaction', () => {
  it('stay within the limit; a record over it alone gets a batch of its own; a record of exactly aloneBytes fits', () => {
    const txn = new TransactionRecords(() => 1000);
    for (const r of [...Array.from({ length: 10 }, () => rec(300)), rec(5000), rec(1)]) txn.append('t', 0, 1, r.key, r.value, NO_HEADERS);
    const sizes = txn.partitions()[0]!.builders.map((b) => [b.count, b.size]);
    expect(sizes.map(([count]) => count)).toEqual([3, 3, 3, 1, 1, 1]);
    for (const [count, size] of sizes) if (count! > 1) expect(size).toBeLessThanOrEqual(1000);
    const exact = rec(9928);
    const one = new TransactionRecords(() => aloneBytes(exact));
    one.append('t', 0, 1, null, exact.value, NO_HEADERS);
    one.append('t', 0, 1, null, exact.value, NO_HEADERS);
    expect(one.partitions()[0]!.builders.map((b) => b.size)).toEqual([10000, 10000]);
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
