// The pure parts of `kstream transactions` and of consume's open-transaction notice.
import { describe, expect, it } from 'vitest';
import { abortSpec } from '../../src/commands/transactions/abort.js';
import { translateKafkaArgs } from '../../src/compat/index.js';
import { openTransactionNotice, STALL_NOTICE_MS } from '../../src/kafka/transactions/stall.js';
import type { ActiveProducer } from '../../src/kafka/transactions/requests.js';
import { pickVersion } from '../../src/kafka/protocol/request.js';
import type { KafkajsBroker } from '../../src/kafka/cluster.js';

const producer: ActiveProducer = { producerId: '3001', producerEpoch: 2, lastSequence: 0, lastTimestamp: 0, coordinatorEpoch: 0, currentTxnStartOffset: 5 };

/** A notice watcher on a hand-moved clock; resolves the holder lookups at once. */
function watcher(holder: ActiveProducer | undefined | Error = producer) {
  let clock = 0;
  const notes: string[] = [];
  const lookups: Array<[number, number]> = [];
  const observe = openTransactionNotice('orders', async (p, lso) => {
    lookups.push([p, lso]);
    if (holder instanceof Error) throw holder;
    return holder;
  }, (l) => notes.push(l), () => clock);
  return { observe, notes, lookups, advance: (ms: number) => (clock += ms) };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('open-transaction notice', () => {
  it('speaks once, naming the producer, after the partition is held at the same LSO for a while', async () => {
    const w = watcher();
    w.observe(0, 5, 5, 9);
    w.advance(STALL_NOTICE_MS - 1);
    w.observe(0, 5, 5, 9);
    await settle();
    expect(w.notes).toEqual([]);
    w.advance(1);
    w.observe(0, 5, 5, 9);
    w.observe(0, 5, 5, 9);
    await settle();
    w.advance(STALL_NOTICE_MS);
    w.observe(0, 5, 5, 9);
    await settle();
    expect(w.lookups).toEqual([[0, 5]]);
    expect(w.notes).toEqual([
      "waiting on an open transaction: partition 0 of 'orders' is held at offset 5 (high watermark 9) by producer 3001 (epoch 2); see `kstream transactions describe-producers --topic orders --partition 0`; to end it: `kstream transactions abort --topic orders --partition 0 --start-offset 5`",
    ]);
  });

  it('stays quiet for transactions that keep committing (a moving LSO), and while behind the LSO', async () => {
    const w = watcher();
    for (let lso = 5; lso < 50; lso++) {
      w.observe(0, lso, lso, lso + 3);
      w.advance(STALL_NOTICE_MS);
    }
    w.observe(1, 2, 5, 9);
    w.advance(STALL_NOTICE_MS);
    w.observe(1, 3, 5, 9);
    w.observe(2, 7, 7, 7); // caught up: LSO = high watermark
    w.advance(STALL_NOTICE_MS);
    w.observe(2, 7, 7, 7);
    await settle();
    expect(w.notes).toEqual([]);
  });

  it('still says why reading waits when the producer cannot be found', async () => {
    const w = watcher(new Error('DescribeProducers refused'));
    w.observe(0, 5, 5, 9);
    w.advance(STALL_NOTICE_MS);
    w.observe(0, 5, 5, 9);
    await settle();
    expect(w.notes).toEqual([expect.stringMatching(/^waiting on an open transaction: partition 0 of 'orders' is held at offset 5 \(high watermark 9\) by a producer; see/)]);
  });
});

describe('transactions abort flags', () => {
  it('takes a start offset, or the producer in full', () => {
    expect(abortSpec({ topic: 't', partition: '0', startOffset: '12' })).toEqual({ topic: 't', partition: 0, startOffset: 12 });
    expect(abortSpec({ topic: 't', partition: '1', producerId: '9007199254740993', producerEpoch: '3', coordinatorEpoch: '0' }))
      .toEqual({ topic: 't', partition: 1, producerId: '9007199254740993', producerEpoch: 3, coordinatorEpoch: 0 });
  });

  it.each([
    [{ topic: 't', partition: '0' }, /name the transaction to abort/],
    [{ topic: 't', partition: '0', producerId: '1' }, /name the transaction to abort/],
    [{ topic: 't', partition: '0', startOffset: '1', producerId: '1' }, /not both/],
    [{ topic: 't', partition: '0', producerId: 'x', producerEpoch: '0', coordinatorEpoch: '0' }, /--producer-id must be a whole number/],
  ])('refuses %j', (args, message) => expect(() => abortSpec(args)).toThrow(message));

  it("reads kafka-transactions.sh's describe --transactional-id", () => {
    expect(translateKafkaArgs('transactions describe --transactional-id tx-1'.split(' ')).args).toEqual(['transactions', 'describe', 'tx-1']);
  });
});

describe('a request the broker lacks', () => {
  it('is one line naming the request and the broker', () => {
    const broker = { nodeId: 4, versions: { 61: { minVersion: 0, maxVersion: 0 } } } as unknown as KafkajsBroker;
    expect(() => pickVersion(broker, 66, 'ListTransactions', { min: 0, max: 1 })).toThrow('broker 4 does not support ListTransactions (API key 66)');
    expect(pickVersion(broker, 61, 'DescribeProducers', { min: 0, max: 0 })).toBe(0);
  });
});
