import { describe, expect, it } from 'vitest';
import { BatchReader, RecordCursor } from '../../src/kafka/codec/decode-batch.js';
import { BatchBuilder, encodeHeaders, NO_HEADERS } from '../../src/kafka/codec/encode.js';
import { encodeProduceBody } from '../../src/kafka/produce/request.js';
import { TransactionalProducer, TransactionRecords, type TransactionalSettings } from '../../src/kafka/produce/transaction.js';
import { fakeCluster as fakeKafkajsCluster, readProduceBody, type SentProduce } from '../helpers/fake-cluster.js';

const protocolError = (type: string, code: number, retriable: boolean) => Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, code, retriable });

/**
 * One broker that is leader, transaction coordinator and group coordinator. `script` says how a
 * call fails: a list of errors to throw, in turn, for the calls of that name. Every call is logged.
 */
function fakeCluster(script: Record<string, Error[]> = {}) {
  const calls: Array<[string, unknown]> = [];
  const produced: SentProduce[] = [];
  const answer = (name: string, args: unknown) => {
    calls.push([name, args]);
    const err = script[name]?.shift();
    if (err) throw err;
  };
  const logged = (name: string) => async (a: unknown) => answer(name, a);
  const cluster = fakeKafkajsCluster({
    produce: (sent) => {
      produced.push(sent);
      answer('produce', sent.batches.map((b) => b.partition));
      const code = (script.produceCode?.shift() as unknown as number | undefined) ?? 0;
      return sent.batches.map((b) => [b.partition, code, 0n]);
    },
    broker: {
      initProducerId: async (a: unknown) => (answer('initProducerId', a), { producerId: '77', producerEpoch: 3 }),
      addPartitionsToTxn: logged('addPartitionsToTxn'),
      addOffsetsToTxn: logged('addOffsetsToTxn'),
      txnOffsetCommit: logged('txnOffsetCommit'),
      endTxn: logged('endTxn'),
    },
    refreshMetadata: () => void calls.push(['refreshMetadata', null]),
    findGroupCoordinator: (a) => void calls.push(['findGroupCoordinator', a]),
  });
  return { cluster, calls, produced, names: () => calls.map((c) => c[0]).filter((n) => n !== 'findGroupCoordinator') };
}

const settings: TransactionalSettings = { transactionalId: 'g:out:0', topics: ['out'], retryMs: 5_000, ackTimeoutMs: 30_000, transactionTimeoutMs: 60_000 };
const noSleep = async () => undefined;

function records(values: Array<[number, string]>, limit = 1 << 20): TransactionRecords {
  const txn = new TransactionRecords(() => limit);
  for (const [partition, v] of values) txn.append('out', partition, 1000, null, Buffer.from(v), NO_HEADERS);
  return txn;
}

const header = (batch: Buffer) => {
  const h = new BatchReader(batch).next()!;
  return { producerId: h.producerId, producerEpoch: h.producerEpoch, baseSequence: h.baseSequence, transactional: h.isTransactional, count: h.recordCount };
};

describe('transactional record batches', () => {
  it('carry the transactional flag, producer id, epoch and base sequence, and decode back', () => {
    const b = new BatchBuilder(1 << 20);
    b.append(5, Buffer.from('k'), 0, 1, Buffer.from('v'), 0, 1, encodeHeaders([[Buffer.from('h'), Buffer.from('x')]]));
    const batch = b.sealPlain({ producerId: 123456789012n, producerEpoch: 7, baseSequence: 42, transactional: true });
    const h = new BatchReader(batch).next()!;
    expect(h).toMatchObject({ producerId: 123456789012, producerEpoch: 7, baseSequence: 42, isTransactional: true, isControl: false, compression: 0, recordCount: 1 });
    expect(batch.readInt16BE(21) & 0x10).toBe(0x10);
    const cursor = new RecordCursor();
    cursor.reset(h, h.records, 't');
    expect(cursor.next()).toBe(true);
    expect(cursor.buf.toString('utf8', cursor.valueStart, cursor.valueEnd)).toBe('v');
  });

  it('name the transactional id in the Produce request; a plain one sends null', () => {
    const batch = { partition: 2, batch: Buffer.from('abc') };
    expect(readProduceBody(encodeProduceBody(-1, 30_000, 'out', [batch], 'g:out:0'))).toMatchObject({ transactionalId: 'g:out:0', topic: 'out', batches: [{ partition: 2 }] });
    expect(readProduceBody(encodeProduceBody(-1, 30_000, 'out', [batch]))).toMatchObject({ transactionalId: null, topic: 'out' });
  });
});

describe('TransactionalProducer', () => {
  it('registers the id, then per transaction: AddPartitionsToTxn, Produce with the offsets, EndTxn commit', async () => {
    const fake = fakeCluster();
    const p = new TransactionalProducer(undefined, settings, fake.cluster, noSleep);
    await p.connect();
    await p.commit(records([[0, 'a'], [1, 'b'], [0, 'c']]), { groupId: 'g', offsets: [{ topic: 'in', partition: 0, offset: '10', metadata: 'kstream-parallel=1' }] });
    // Produce and the offsets travel at the same time; each in its own order, and EndTxn after both.
    const names = fake.names();
    expect([...names].sort()).toEqual(['addOffsetsToTxn', 'addPartitionsToTxn', 'endTxn', 'initProducerId', 'produce', 'txnOffsetCommit']);
    const at = (n: string) => names.indexOf(n);
    expect(at('initProducerId') < at('addPartitionsToTxn') && at('addPartitionsToTxn') < at('produce') && at('addOffsetsToTxn') < at('txnOffsetCommit')).toBe(true);
    expect(names.at(-1)).toBe('endTxn');
    expect(fake.calls.find((c) => c[0] === 'initProducerId')![1]).toMatchObject({ transactionalId: 'g:out:0', transactionTimeout: 60_000 });
    expect(fake.calls.find((c) => c[0] === 'addPartitionsToTxn')![1]).toMatchObject({ producerId: '77', producerEpoch: 3, topics: [{ topic: 'out', partitions: [0, 1] }] });
    expect(fake.calls.find((c) => c[0] === 'txnOffsetCommit')![1]).toMatchObject({
      groupId: 'g', topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '10', metadata: 'kstream-parallel=1' }] }],
    });
    expect(fake.calls.find((c) => c[0] === 'endTxn')![1]).toMatchObject({ transactionResult: true });
    // The transaction coordinator is looked up by the transactional id (coordinator type 1).
    expect(fake.calls.find((c) => c[0] === 'findGroupCoordinator')![1]).toEqual({ groupId: 'g:out:0', coordinatorType: 1 });
    expect(fake.produced[0]!.transactionalId).toBe('g:out:0');
  });

  it('numbers each partition on from its last sequence, across transactions and batches that overflow', async () => {
    const fake = fakeCluster();
    const p = new TransactionalProducer(undefined, settings, fake.cluster, noSleep);
    await p.connect();
    await p.commit(records([[0, 'a'], [0, 'b'], [1, 'c']]), { groupId: 'g', offsets: [] });
    // A limit that holds two of these 8-byte records per batch: partition 0 needs two rounds.
    await p.commit(records([[0, 'd'], [0, 'e'], [0, 'f'], [2, 'g']], 61 + 2 * 8), { groupId: 'g', offsets: [] });
    const batches = fake.produced.flatMap((s) => s.batches.map((b) => ({ partition: b.partition, ...header(b.batch) })));
    expect(batches).toEqual([
      { partition: 0, producerId: 77, producerEpoch: 3, baseSequence: 0, transactional: true, count: 2 },
      { partition: 1, producerId: 77, producerEpoch: 3, baseSequence: 0, transactional: true, count: 1 },
      { partition: 0, producerId: 77, producerEpoch: 3, baseSequence: 2, transactional: true, count: 2 },
      { partition: 2, producerId: 77, producerEpoch: 3, baseSequence: 0, transactional: true, count: 1 },
      { partition: 0, producerId: 77, producerEpoch: 3, baseSequence: 4, transactional: true, count: 1 },
    ]);
  });

  it('retries CONCURRENT_TRANSACTIONS, and resends a batch refused by a moved leader with the same bytes', async () => {
    const fake = fakeCluster({ addPartitionsToTxn: [protocolError('CONCURRENT_TRANSACTIONS', 51, true)], produceCode: [6 as unknown as Error] });
    const p = new TransactionalProducer(undefined, settings, fake.cluster, noSleep);
    await p.connect();
    await p.commit(records([[0, 'a']]), { groupId: 'g', offsets: [] });
    expect(fake.names()).toEqual(['initProducerId', 'addPartitionsToTxn', 'addPartitionsToTxn', 'produce', 'refreshMetadata', 'produce', 'endTxn']);
    expect(fake.produced[1]!.batches[0]!.batch.equals(fake.produced[0]!.batches[0]!.batch)).toBe(true);
  });

  it('aborts the transaction on a failure it cannot retry, throws it, and takes no more transactions', async () => {
    const fenced = protocolError('INVALID_PRODUCER_EPOCH', 47, false);
    const fake = fakeCluster({ txnOffsetCommit: [fenced] });
    const p = new TransactionalProducer(undefined, settings, fake.cluster, noSleep);
    await p.connect();
    await expect(p.commit(records([[0, 'a']]), { groupId: 'g', offsets: [{ topic: 'in', partition: 0, offset: '1', metadata: null }] })).rejects.toBe(fenced);
    expect(fake.names().slice(-1)).toEqual(['endTxn']);
    expect(fake.calls.at(-1)![1]).toMatchObject({ transactionResult: false });
    await expect(p.commit(records([[0, 'b']]), { groupId: 'g', offsets: [] })).rejects.toBe(fenced);
  });

  it('commits offsets alone (no AddPartitionsToTxn), and sends nothing for an empty transaction', async () => {
    const fake = fakeCluster();
    const p = new TransactionalProducer(undefined, settings, fake.cluster, noSleep);
    await p.connect();
    await p.commit(records([]), { groupId: 'g', offsets: [] });
    await p.commit(records([]), { groupId: 'g', offsets: [{ topic: 'in', partition: 1, offset: '5', metadata: null }] });
    expect(fake.names()).toEqual(['initProducerId', 'addOffsetsToTxn', 'txnOffsetCommit', 'endTxn']);
  });
});
