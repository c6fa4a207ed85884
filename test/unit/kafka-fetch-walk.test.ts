import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../src/kafka/codec/crc32c.js';
import { RecordCursor } from '../../src/kafka/codec/decode-batch.js';
import type { AbortedTransaction } from '../../src/kafka/fetch/protocol.js';
import { walkRecords, type WalkOptions } from '../../src/kafka/fetch/walk.js';

const require = createRequire(import.meta.url);
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch(o: Record<string, unknown>): Promise<{ buffer: Buffer }> };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (o: Record<string, unknown>) => unknown;
const Long = require('kafkajs/src/utils/long') as { fromValue(v: number): unknown };

/** A data batch at `base` with one record per value; transactional when `pid` is given. */
async function data(base: number, values: string[], pid?: number): Promise<Buffer> {
  const b = await RecordBatch({
    firstOffset: Long.fromValue(base),
    lastOffsetDelta: values.length - 1,
    transactional: pid !== undefined,
    producerId: Long.fromValue(pid ?? -1),
    records: values.map((v, i) => Record({ offsetDelta: i, key: null, value: Buffer.from(v) })),
  });
  return b.buffer;
}

/** A transaction marker (control batch) of producer `pid` at `offset`: type 0 abort, 1 commit. */
async function marker(offset: number, pid: number, type: 0 | 1): Promise<Buffer> {
  const key = Buffer.from([0, 0, 0, type]);
  const value = Buffer.from([0, 0, 0, 0, 0, 0]);
  const b = (await RecordBatch({ firstOffset: Long.fromValue(offset), transactional: true, producerId: Long.fromValue(pid), records: [Record({ key, value })] })).buffer;
  b.writeInt16BE(0x30, 21); // transactional + control
  b.writeUInt32BE(crc32c(b.subarray(21)), 17);
  return b;
}

async function walk(records: Buffer, over: Partial<WalkOptions> & { limit?: number } = {}) {
  const seen: Array<[number, string]> = [];
  const { limit = Infinity, ...rest } = over;
  const opts: WalkOptions = { partition: 0, position: 0, readCommitted: true, aborted: [], where: 'topic t partition 0', ...rest };
  const result = await walkRecords(records, opts, new RecordCursor(), (c) => {
    seen.push([c.offset, c.buf.toString('utf8', c.valueStart, c.valueEnd)]);
    return seen.length < limit;
  });
  return { seen, ...result };
}

describe('walkRecords: transactions', () => {
  it('drops aborted transactions and markers with read_committed, shows them with read_uncommitted', async () => {
    const log = Buffer.concat([
      await data(0, ['a1', 'a2'], 7),
      await data(2, ['c1'], 8),
      await marker(3, 7, 0),
      await data(4, ['c2'], 8),
      await marker(5, 8, 1),
      await data(6, ['plain']),
    ]);
    const aborted: AbortedTransaction[] = [{ producerId: 7, firstOffset: 0 }];
    const committed = await walk(log, { aborted });
    expect(committed.seen).toEqual([[2, 'c1'], [4, 'c2'], [6, 'plain']]);
    expect(committed.position).toBe(7);
    const all = await walk(log, { aborted, readCommitted: false });
    expect(all.seen.map(([o]) => o)).toEqual([0, 1, 2, 4, 6]);
  });

  it('ends an aborted transaction at its abort marker: the same producer\'s next transaction is shown', async () => {
    const log = Buffer.concat([await data(0, ['x'], 7), await marker(1, 7, 0), await data(2, ['y'], 7), await marker(3, 7, 1)]);
    const r = await walk(log, { aborted: [{ producerId: 7, firstOffset: 0 }] });
    expect(r.seen).toEqual([[2, 'y']]);
    expect(r.position).toBe(4);
  });

  it('moves past a record set of only markers and aborted batches', async () => {
    const log = Buffer.concat([await data(10, ['x', 'y'], 9), await marker(12, 9, 0)]);
    const r = await walk(log, { position: 10, aborted: [{ producerId: 9, firstOffset: 10 }] });
    expect(r.seen).toEqual([]);
    expect(r.position).toBe(13);
  });
});

describe('walkRecords: positions and stops', () => {
  it('skips records before the position, stops before stopAt, and stops where onRecord says', async () => {
    const log = Buffer.concat([await data(0, ['r0', 'r1', 'r2']), await data(3, ['r3', 'r4'])]);
    expect((await walk(log, { position: 1 })).seen.map(([o]) => o)).toEqual([1, 2, 3, 4]);
    const end = await walk(log, { stopAt: 4 });
    expect(end.seen.map(([o]) => o)).toEqual([0, 1, 2, 3]);
    expect(end.position).toBe(4);
    const cut = await walk(log, { limit: 2 });
    expect(cut).toMatchObject({ stopped: true, position: 2 });
  });

  it('reports the size of a batch cut off by the size limit when nothing else fitted', async () => {
    const big = await data(0, ['x'.repeat(500)]);
    const r = await walk(big.subarray(0, 100));
    expect(r).toMatchObject({ seen: [], position: 0, partialSize: big.length });
  });
});
