import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/commands/produce/summary.js';
import type { BatchBuilder } from '../../src/kafka/codec/encode.js';
import { NO_HEADERS } from '../../src/kafka/codec/encode.js';
import type { PartitionOutcome } from '../../src/kafka/produce/producer.js';
import type { PartitionBatch } from '../../src/kafka/produce/request.js';
import { RecordSender, type BatchSink } from '../../src/kafka/produce/sender.js';

/** A sink that records each round's batches (as record counts) and lets the test decide when each finishes. */
function recorder(pipelined = false) {
  const calls: Array<{ batches: Array<[number, number]>; after?: Promise<boolean>; done: (fail?: Map<number, Error>) => void }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const counts = new Map<Buffer, number>();
  const sink: BatchSink = {
    pipelined,
    seal: async (partition: number, builder: BatchBuilder) => {
      const batch = builder.sealPlain({ producerId: -1n, producerEpoch: -1, baseSequence: -1 });
      counts.set(batch, builder.count);
      return { partition, batch };
    },
    send: (batches: PartitionBatch[], after?: Promise<boolean>) => new Promise<PartitionOutcome[]>((resolve) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      calls.push({
        batches: batches.map((b) => [b.partition, counts.get(b.batch)!]),
        after,
        done: (fail) => {
          inFlight--;
          resolve(batches.map((b, i) => {
            const error = fail?.get(b.partition);
            return error ? { partition: b.partition, ok: false, error } : { partition: b.partition, ok: true, baseOffset: BigInt(i * 100) };
          }));
        },
      });
    }),
  };
  return { calls, sink, maxInFlight: () => maxInFlight };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
/** Ten-byte values: a record takes 17 bytes in a batch, so 61 + 2 * 17 = 95 bytes hold two. */
const value = Buffer.alloc(10, 0x61);
const limits = { batchBytes: 95, roundBytes: 1000 };

async function feed(sender: RecordSender, partitions: number[]) {
  for (const p of partitions) {
    if (sender.append(p, 0, null, 0, 0, value, 0, 10, NO_HEADERS, 10)) continue;
    await sender.next();
    if (sender.failure) return;
    expect(sender.append(p, 0, null, 0, 0, value, 0, 10, NO_HEADERS, 10)).toBe(true);
  }
}

const at = (n: number) => ({ at: n, where: () => `line ${n}` });

describe('RecordSender', () => {
  it('sends full rounds one at a time, in input order', async () => {
    const r = recorder();
    const sender = new RecordSender(r.sink, limits, () => at(1));
    const feeding = feed(sender, [0, 0, 0, 0, 0]);
    await tick();
    expect(r.calls.map((c) => c.batches)).toEqual([[[0, 2]]]);
    r.calls[0]!.done();
    await tick();
    expect(r.calls.map((c) => c.batches)).toEqual([[[0, 2]], [[0, 2]]]);
    await feeding;
    const draining = sender.drain();
    r.calls[1]!.done();
    await tick();
    r.calls[2]!.done();
    await draining;
    expect(r.calls.map((c) => c.batches)).toEqual([[[0, 2]], [[0, 2]], [[0, 1]]]);
    expect(r.maxInFlight()).toBe(1);
    expect(sender.acked).toBe(5);
    expect(sender.ackedBytes).toBe(50);
  });

  it('puts each partition in its own batch of a round, and ends the round when one is full', async () => {
    const r = recorder();
    const sender = new RecordSender(r.sink, limits, () => at(1));
    void feed(sender, [0, 1, 2, 0, 1, 0]);
    await tick();
    expect(r.calls.map((c) => c.batches)).toEqual([[[0, 2], [1, 2], [2, 1]]]);
  });

  it('ends a round at its byte limit', async () => {
    const r = recorder();
    const sender = new RecordSender(r.sink, { batchBytes: 1000, roundBytes: 3 * 17 }, () => at(1));
    void feed(sender, [0, 1, 2, 3, 4]);
    await tick();
    expect(r.calls.map((c) => c.batches)).toEqual([[[0, 1], [1, 1], [2, 1]]]);
  });

  it('sends what it has at once when the input is idle', async () => {
    const r = recorder();
    const sender = new RecordSender(r.sink, { batchBytes: 10_000, roundBytes: 10_000 }, () => at(1));
    await feed(sender, [0]);
    sender.kick();
    await tick();
    expect(r.calls.map((c) => c.batches)).toEqual([[[0, 1]]]);
    await feed(sender, [0, 0]);
    sender.kick();
    expect(r.calls).toHaveLength(1);
    r.calls[0]!.done();
    await tick();
    expect(r.calls.map((c) => c.batches)).toEqual([[[0, 1]], [[0, 2]]]);
  });

  it('stops at the first failed round, counts what was acknowledged and names the first failed batch', async () => {
    const r = recorder();
    let n = 0;
    const sender = new RecordSender(r.sink, limits, () => at(++n));
    const feeding = feed(sender, [0, 0, 1, 0, 1, 0, 1, 1]);
    await tick();
    r.calls[0]!.done();
    await tick();
    // Round two holds batches of partitions 0 and 1 (the 3rd and 4th batches begun): 1 fails.
    r.calls[1]!.done(new Map([[1, new Error('broker gone')]]));
    await feeding;
    await sender.drain();
    expect(r.calls).toHaveLength(2);
    // Round one's three records, and partition 0's two of round two.
    expect(sender.acked).toBe(3 + 2);
    expect((sender.failure!.error as Error).message).toBe('broker gone');
    expect(sender.failure!.start.where()).toBe('line 4');
  });

  it('tells which partition each record went to, in input order, with the base offsets', async () => {
    const r = recorder();
    const acked: Array<{ order: number[]; offsets: Array<[number, bigint | null]> }> = [];
    const sender = new RecordSender(r.sink, { batchBytes: 10_000, roundBytes: 10_000 }, () => at(1), (round) => {
      acked.push({ order: round.order, offsets: [...round.baseOffsets] });
    }, true);
    await feed(sender, [2, 0, 2]);
    const draining = sender.drain();
    await tick();
    r.calls[0]!.done();
    await draining;
    expect(acked).toEqual([{ order: [2, 0, 2], offsets: [[2, 0n], [0, 100n]] }]);
  });
});

describe('RecordSender with a pipelined sink', () => {
  it('keeps two rounds in flight, the second told when the first has settled', async () => {
    const r = recorder(true);
    const sender = new RecordSender(r.sink, limits, () => at(1));
    void feed(sender, [0, 0, 0, 0, 0, 0, 0]);
    await tick();
    expect(r.calls.map((c) => c.batches)).toEqual([[[0, 2]], [[0, 2]]]);
    expect(r.calls[0]!.after).toBeUndefined();
    let second: boolean | undefined;
    void r.calls[1]!.after!.then((ok) => (second = ok));
    await tick();
    expect(second).toBeUndefined();
    r.calls[0]!.done();
    await tick();
    expect(second).toBe(true);
    expect(r.calls).toHaveLength(3);
    expect(r.maxInFlight()).toBe(2);
  });

  it('acknowledges rounds in input order, whichever answer comes first', async () => {
    const r = recorder(true);
    const acked: number[][] = [];
    const sender = new RecordSender(r.sink, limits, () => at(1), (round) => void acked.push(round.order), true);
    await feed(sender, [0, 0, 0, 1]);
    const draining = sender.drain();
    await tick();
    expect(r.calls.map((c) => c.batches)).toEqual([[[0, 2]], [[0, 1], [1, 1]]]);
    r.calls[1]!.done();
    await tick();
    expect(acked).toEqual([]);
    r.calls[0]!.done();
    await draining;
    expect(acked).toEqual([[0, 0], [0, 1]]);
    expect(sender.acked).toBe(4);
  });

  it('tells the round behind that the one ahead failed, and names the failure that starts first', async () => {
    const r = recorder(true);
    let n = 0;
    const sender = new RecordSender(r.sink, limits, () => at(++n));
    await feed(sender, [0, 0, 0, 1]);
    const draining = sender.drain();
    await tick();
    let second: boolean | undefined;
    void r.calls[1]!.after!.then((ok) => (second = ok));
    r.calls[1]!.done(new Map([[1, new Error('out of order')]]));
    r.calls[0]!.done(new Map([[0, new Error('leader gone')]]));
    await draining;
    expect(second).toBe(false);
    expect((sender.failure!.error as Error).message).toBe('leader gone');
    expect(sender.failure!.start.where()).toBe('line 1');
    expect(r.calls).toHaveLength(2);
    expect(sender.acked).toBe(1); // round two's batch of partition 0
  });
});

describe('formatSummary', () => {
  it('says records, bytes, seconds and rate', () => {
    expect(formatSummary({ read: 3, acked: 3, bytes: 300, }, 1.5)).toBe('3 records, 300 bytes in 1.5 s (2 records/s)');
    expect(formatSummary({ read: 1, acked: 1, bytes: 5 }, 0)).toBe('1 record, 5 bytes in 0.0 s (0 records/s)');
  });
});
