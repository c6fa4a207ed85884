import { describe, expect, it } from 'vitest';
import type { Message, RecordMetadata } from '../../src/kafkajs.js';
import { createRequire } from 'node:module';
import { BatchSender, checkAcknowledged, groupedOnce, sendUntilAcknowledged } from '../../src/commands/produce/sender.js';
import { retryWithin } from '../../src/commands/produce/produce.js';
import { formatSummary } from '../../src/commands/produce/summary.js';

/** A send function that records its calls and lets the test decide when each finishes. */
function recorder() {
  const calls: Array<{ values: string[]; done: (err?: Error) => void }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const send = (messages: Message[]) =>
    new Promise<RecordMetadata[]>((resolve, reject) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      calls.push({
        values: messages.map((m) => String(m.value)),
        done: (err) => {
          inFlight--;
          if (err) reject(err);
          else resolve([]);
        },
      });
    });
  return { calls, send, maxInFlight: () => maxInFlight };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const limits = { records: 2, bytes: 1000, partitionBytes: 1000 };

async function feed(sender: BatchSender, values: string[]) {
  for (const v of values) {
    if (!sender.fits(0, 10)) await sender.next();
    if (sender.failure) return;
    sender.add({ value: v, partition: 0 }, 10, v.length);
  }
}

describe('BatchSender', () => {
  it('sends full batches one at a time, in input order', async () => {
    const r = recorder();
    const sender = new BatchSender(r.send, limits, () => undefined, () => () => 'line 1');
    const feeding = feed(sender, ['a', 'b', 'c', 'd', 'e']);
    await tick();
    expect(r.calls.map((c) => c.values)).toEqual([['a', 'b']]);
    r.calls[0]!.done();
    await tick();
    expect(r.calls.map((c) => c.values)).toEqual([['a', 'b'], ['c', 'd']]);
    await feeding;
    const draining = sender.drain();
    r.calls[1]!.done();
    await tick();
    r.calls[2]!.done();
    await draining;
    expect(r.calls.map((c) => c.values)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(r.maxInFlight()).toBe(1);
    expect(sender.acked).toBe(5);
    expect(sender.ackedBytes).toBe(5);
  });

  it('sends what it has at once when the input is idle', async () => {
    const r = recorder();
    const sender = new BatchSender(r.send, { ...limits, records: 100 }, () => undefined, () => () => 'line 1');
    await feed(sender, ['a']);
    sender.kick();
    expect(r.calls.map((c) => c.values)).toEqual([['a']]);
    await feed(sender, ['b', 'c']);
    sender.kick();
    expect(r.calls).toHaveLength(1);
    r.calls[0]!.done();
    await tick();
    expect(r.calls.map((c) => c.values)).toEqual([['a'], ['b', 'c']]);
  });

  it('stops at the first failed batch and names where it started', async () => {
    const r = recorder();
    let line = 0;
    const sender = new BatchSender(r.send, limits, () => undefined, () => { const n = ++line; return () => `line ${n}`; });
    const feeding = feed(sender, ['a', 'b', 'c', 'd', 'e', 'f']);
    await tick();
    r.calls[0]!.done();
    await tick();
    r.calls[1]!.done(new Error('broker gone'));
    await feeding;
    await sender.drain();
    expect(r.calls).toHaveLength(2);
    expect(sender.acked).toBe(2);
    expect((sender.failure!.error as Error).message).toBe('broker gone');
    expect(sender.failure!.start()).toBe('line 2');
  });

  it('keeps one partition\'s bytes under the topic limit', () => {
    const sender = new BatchSender(recorder().send, { records: 100, bytes: 1000, partitionBytes: 25 }, () => undefined, () => () => '');
    sender.add({ value: 'a', partition: 0 }, 10, 1);
    sender.add({ value: 'b', partition: 0 }, 10, 1);
    expect(sender.fits(0, 10)).toBe(false);
    expect(sender.fits(1, 10)).toBe(true);
  });
});

describe('retryWithin', () => {
  it.each([[1_000, 2], [10_000, 7], [60_000, 32]])('fits retries in %d ms', (ms, retries) => expect(retryWithin(ms).retries).toBe(retries));
});

describe('formatSummary', () => {
  it('says records, bytes, seconds and rate', () => {
    expect(formatSummary({ read: 3, acked: 3, bytes: 300, }, 1.5)).toBe('3 records, 300 bytes in 1.5 s (2 records/s)');
    expect(formatSummary({ read: 1, acked: 1, bytes: 5 }, 0)).toBe('1 record, 5 bytes in 0.0 s (0 records/s)');
  });
});

describe('groupedOnce', () => {
  // kafkajs's own grouping step, which the batch must answer exactly as it would have.
  const groupMessagesPerPartition = createRequire(import.meta.url)('kafkajs/src/producer/groupMessagesPerPartition.js') as (
    args: { topic: string; partitionMetadata: unknown[]; messages: Message[]; partitioner: (a: { message: Message }) => number },
  ) => Record<string, Message[]>;

  it('gives kafkajs the groups it would have built, in order, every time it asks', () => {
    const messages: Message[] = Array.from({ length: 50 }, (_, i) => ({ value: `v${i}`, partition: (i * 7) % 3 }));
    const groups: Record<number, Message[]> = {};
    for (const m of messages) (groups[m.partition!] ??= []).push(m);
    const args = { topic: 't', partitionMetadata: [{}, {}, {}], partitioner: ({ message }: { message: Message }) => message.partition! };
    const expected = groupMessagesPerPartition({ ...args, messages: [...messages] });
    const fast = groupedOnce({ messages, groups });
    expect(groupMessagesPerPartition({ ...args, messages: fast })).toEqual(expected);
    expect(groupMessagesPerPartition({ ...args, messages: fast })).toEqual(expected);
    expect(fast.reduce((n, m) => n + String(m.value).length, 0)).toBe(140);
    expect(fast.reduce((acc: string[], m) => [...acc, String(m.value)], []).length).toBe(50);
  });
});

describe('checkAcknowledged', () => {
  const meta = (partition: number, errorCode = 0) => ({ topicName: 't', partition, errorCode, baseOffset: '0' }) as RecordMetadata;
  const messages = [{ value: 'a', partition: 0 }, { value: 'b', partition: 2 }];
  it('accepts an answer for every partition', () => expect(() => checkAcknowledged(messages, [meta(2), meta(0)])).not.toThrow());
  it('refuses a partition left out or answered with an error', () => {
    expect(() => checkAcknowledged(messages, [meta(0)])).toThrow('the broker did not acknowledge partition 2');
    expect(() => checkAcknowledged(messages, [meta(0), meta(2, 6)])).toThrow('partition 2');
  });
});

describe('sendUntilAcknowledged', () => {
  const meta = (partition: number) => ({ topicName: 't', partition, errorCode: 0, baseOffset: '0' }) as RecordMetadata;
  const messages = [{ value: 'a', partition: 0 }, { value: 'b', partition: 1 }, { value: 'c', partition: 0 }];

  it('sends again, in order, only the partitions an answer left out (kafkajs after a leader moved)', async () => {
    const requests: string[][] = [];
    const answers = [[meta(1)], [meta(0)]];
    const request = async (batch: Message[]) => {
      requests.push(batch.map((m) => String(m.value)));
      return answers.shift()!;
    };
    const answered = await sendUntilAcknowledged(request, messages, Date.now() + 60_000);
    expect(requests).toEqual([['a', 'b', 'c'], ['a', 'c']]);
    expect(answered.map((m) => m.partition).sort()).toEqual([0, 1]);
  });

  it('gives up at the deadline, naming the partition never acknowledged', async () => {
    let calls = 0;
    const request = async () => {
      calls++;
      return [meta(1)];
    };
    await expect(sendUntilAcknowledged(request, messages, Date.now() + 300)).rejects.toThrow('the broker did not acknowledge partition 0');
    expect(calls).toBeGreaterThan(1);
  });
});
