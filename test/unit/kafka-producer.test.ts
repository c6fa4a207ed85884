import { describe, expect, it } from 'vitest';
import { BatchBuilder, NO_HEADERS } from '../../src/kafka/codec/encode.js';
import type { KafkajsBroker, KafkajsCluster } from '../../src/kafka/cluster.js';
import { BatchProducer, type ProducerSettings } from '../../src/kafka/produce/producer.js';
import { isProduceConnection, produceFrames } from '../../src/kafka/produce/direct.js';
import { decodeProduceResponse, encodeProduceBody } from '../../src/kafka/produce/request.js';
import { createRequire } from 'node:module';
import { fakeProduceConnection, produceResponse, readProduceBody } from '../helpers/fake-cluster.js';

/**
 * A stand-in for kafkajs's cluster: one broker whose answers the test scripts per request, and
 * a record of every batch sent. Only the retry and sequencing logic is under test here; the
 * wire is tested against the real broker by the integration tests.
 */
function fakeCluster(answers: Array<Record<number, number> | Error>, brokerDelays: number[] = []) {
  const sent: Array<{ partition: number; batch: Buffer }[]> = [];
  let refreshes = 0;
  const connection = fakeProduceConnection((frame, whole) => {
    expect(frame.size).toBe(whole.length - 4);
    expect([frame.apiKey, frame.version, frame.clientId]).toEqual([0, 7, 'kstream-test']);
    sent.push(frame.body.batches);
    const answer = answers.shift() ?? {};
    if (answer instanceof Error) return answer;
    return responseFor(frame.body.batches.map((b) => [b.partition, answer[b.partition] ?? 0]));
  });
  const broker = {
    nodeId: 1,
    versions: { 0: { minVersion: 0, maxVersion: 9 }, 32: { minVersion: 0, maxVersion: 4 } },
    connectionPool: {
      getConnectionByRequest: async () => connection,
      // DescribeConfigs (probeTopic): this broker may not describe configs.
      send: async () => { throw Object.assign(new Error('Cluster authorization failed'), { type: 'CLUSTER_AUTHORIZATION_FAILED' }); },
    },
    metadata: async (topics: string[]) => {
      if (topics.includes('missing')) throw Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
      return { topicMetadata: topics.map((topic) => ({ topic, partitionMetadata: [{}, {}, {}] })) };
    },
    initProducerId: async () => ({ producerId: '77', producerEpoch: 3 }),
    disconnect: async () => undefined,
  } as unknown as KafkajsBroker;
  const cluster: KafkajsCluster = {
    brokerPool: { seedBroker: broker },
    connect: async () => undefined,
    disconnect: async () => undefined,
    addTargetTopic: async () => undefined,
    refreshMetadata: async () => void refreshes++,
    findTopicPartitionMetadata: () => [0, 1, 2].map((partitionId) => ({ partitionId, leader: 1 })),
    findBroker: async () => {
      const delay = brokerDelays.shift();
      if (delay) await new Promise((r) => setTimeout(r, delay));
      return broker;
    },
    findControllerBroker: async () => broker,
    findGroupCoordinator: async () => broker,
    fetchTopicsOffset: async () => [],
  };
  return { cluster, sent, refreshes: () => refreshes };
}

/** The batches of a Produce request body (encodeProduceBody's layout). */
const readBody = (body: Buffer) => readProduceBody(body).batches;

/** A v7 Produce response of topic t with these error codes, base offset 10 * partition. */
const responseFor = (parts: Array<[number, number]>) => produceResponse('t', parts.map(([p, code]) => [p, code, BigInt(p * 10)]));

const settings: ProducerSettings = { topic: 't', acks: -1, compression: 'none', idempotent: true, retryMs: 5_000, ackTimeoutMs: 30_000 };

function builder(records: number): BatchBuilder {
  const b = new BatchBuilder(1 << 20);
  for (let i = 0; i < records; i++) b.append(1, null, 0, 0, Buffer.from(`v${i}`), 0, 2, NO_HEADERS);
  return b;
}

describe('BatchProducer', () => {
  it('stamps producer id, epoch and consecutive sequence numbers per partition', async () => {
    const { cluster } = fakeCluster([]);
    const producer = new BatchProducer(undefined, settings, cluster);
    await producer.connect();
    const a = await producer.seal(0, builder(3));
    const b = await producer.seal(0, builder(2));
    const c = await producer.seal(1, builder(4));
    expect([a, b, c].map((x) => [x.batch.readBigInt64BE(43), x.batch.readInt16BE(51), x.batch.readInt32BE(53)])).toEqual([
      [77n, 3, 0], [77n, 3, 3], [77n, 3, 0],
    ]);
  });

  it('resends a batch refused by a moved leader with the same bytes, after refreshing metadata', async () => {
    const { cluster, sent, refreshes } = fakeCluster([{ 1: 6 /* NOT_LEADER_OR_FOLLOWER */ }, {}]);
    const producer = new BatchProducer(undefined, settings, cluster);
    await producer.connect();
    const connected = refreshes();
    const batches = [await producer.seal(0, builder(2)), await producer.seal(1, builder(2))];
    const outcomes = await producer.send(batches);
    expect(outcomes).toEqual([
      { partition: 0, ok: true, baseOffset: 0n },
      { partition: 1, ok: true, baseOffset: 10n },
    ]);
    expect(sent.map((r) => r.map((b) => b.partition))).toEqual([[0, 1], [1]]);
    expect(sent[1]![0]!.batch.equals(batches[1]!.batch)).toBe(true);
    expect(refreshes() - connected).toBe(1);
  });

  it('resends after a lost connection, and takes a duplicate-sequence answer as written', async () => {
    const lost = Object.assign(new Error('Connection closed'), { name: 'KafkaJSConnectionClosedError' });
    const { cluster, sent } = fakeCluster([lost, { 0: 46 /* DUPLICATE_SEQUENCE_NUMBER */ }]);
    const producer = new BatchProducer(undefined, settings, cluster);
    await producer.connect();
    const batch = await producer.seal(0, builder(1));
    expect(await producer.send([batch])).toEqual([{ partition: 0, ok: true, baseOffset: null }]);
    expect(sent).toHaveLength(2);
    expect(sent[1]![0]!.batch.equals(batch.batch)).toBe(true);
  });

  it('retries a connection failure that kafkajs\'s own retries gave up on (a broker restarting)', async () => {
    const refused = Object.assign(new Error('Connection error: connect ECONNREFUSED'), { name: 'KafkaJSConnectionError', retriable: true });
    const gaveUp = Object.assign(new Error('Connection error'), { name: 'KafkaJSNumberOfRetriesExceeded', retriable: false, originalError: refused });
    const { cluster, sent } = fakeCluster([gaveUp, {}]);
    const producer = new BatchProducer(undefined, settings, cluster);
    await producer.connect();
    expect(await producer.send([await producer.seal(0, builder(1))])).toEqual([{ partition: 0, ok: true, baseOffset: 0n }]);
    expect(sent).toHaveLength(2);
  });

  it('does not retry a batch the broker refuses for good', async () => {
    const { cluster, sent } = fakeCluster([{ 0: 10 /* MESSAGE_TOO_LARGE */ }]);
    const producer = new BatchProducer(undefined, settings, cluster);
    await producer.connect();
    const [outcome] = await producer.send([await producer.seal(0, builder(1))]);
    expect(outcome).toMatchObject({ partition: 0, ok: false, error: { type: 'MESSAGE_TOO_LARGE' } });
    expect(sent).toHaveLength(1);
  });

  it('gives up on a retriable failure after the retry time', async () => {
    const { cluster, sent } = fakeCluster(Array.from({ length: 50 }, () => ({ 0: 6 })));
    const producer = new BatchProducer(undefined, { ...settings, retryMs: 400 }, cluster);
    await producer.connect();
    const [outcome] = await producer.send([await producer.seal(0, builder(1))]);
    expect(outcome).toMatchObject({ ok: false, error: { type: 'NOT_LEADER_FOR_PARTITION' } }); // kafkajs's name for code 6
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.length).toBeLessThan(50);
  });
});

describe('BatchProducer with a round in flight ahead', () => {
  const seqOf = (b: { batch: Buffer }) => b.batch.readInt32BE(53);

  it('puts requests on the connection in the order send was called, however long finding the leader takes', async () => {
    const { cluster, sent } = fakeCluster([], [50, 0]);
    const producer = new BatchProducer(undefined, settings, cluster);
    await producer.connect();
    const a = [await producer.seal(0, builder(2))];
    const b = [await producer.seal(0, builder(2))];
    await Promise.all([producer.send(a), producer.send(b, Promise.resolve(true))]);
    expect(sent.map((r) => r.map(seqOf))).toEqual([[0], [2]]);
  });

  it('retries an out-of-order refusal once the round ahead is acknowledged, and not before', async () => {
    const { cluster, sent } = fakeCluster([{ 0: 45 /* OUT_OF_ORDER_SEQUENCE_NUMBER */ }, {}]);
    const producer = new BatchProducer(undefined, settings, cluster);
    await producer.connect();
    let aheadDone!: (ok: boolean) => void;
    const ahead = new Promise<boolean>((r) => (aheadDone = r));
    const sending = producer.send([await producer.seal(0, builder(1))], ahead);
    await new Promise((r) => setTimeout(r, 300));
    expect(sent).toHaveLength(1);
    aheadDone(true);
    expect(await sending).toEqual([{ partition: 0, ok: true, baseOffset: 0n }]);
    expect(sent).toHaveLength(2);
  });

  it('retries nothing when the round ahead failed', async () => {
    const lost = Object.assign(new Error('Connection closed'), { name: 'KafkaJSConnectionClosedError' });
    const { cluster, sent } = fakeCluster([lost]);
    const producer = new BatchProducer(undefined, settings, cluster);
    await producer.connect();
    const [outcome] = await producer.send([await producer.seal(0, builder(1))], Promise.resolve(false));
    expect(outcome).toMatchObject({ partition: 0, ok: false, error: { name: 'KafkaJSConnectionClosedError' } });
    expect(sent).toHaveLength(1);
  });

  it('takes an out-of-order refusal for good when no round was ahead', async () => {
    const { cluster, sent } = fakeCluster([{ 0: 45 }]);
    const producer = new BatchProducer(undefined, settings, cluster);
    await producer.connect();
    const [outcome] = await producer.send([await producer.seal(0, builder(1))]);
    expect(outcome).toMatchObject({ ok: false, error: { type: 'OUT_OF_ORDER_SEQUENCE_NUMBER' } });
    expect(sent).toHaveLength(1);
  });

  it('reads the topic on its own connection, and leaves a topic it cannot read to the caller', async () => {
    const { cluster } = fakeCluster([]);
    expect(await new BatchProducer(undefined, settings, cluster).probeTopic()).toEqual({ partitions: 3, maxMessageBytes: undefined });
    expect(await new BatchProducer(undefined, { ...settings, topic: 'missing' }, cluster).probeTopic()).toBeUndefined();
  });

  it('is pipelined only when idempotent', () => {
    expect(new BatchProducer(undefined, settings, fakeCluster([]).cluster).pipelined).toBe(true);
    expect(new BatchProducer(undefined, { ...settings, acks: 1, idempotent: false }, fakeCluster([]).cluster).pipelined).toBe(false);
  });
});

describe('Produce request and response', () => {
  it('lays out one topic with one batch per partition, and reads v3 and v5+ answers', () => {
    const body = encodeProduceBody(-1, 30_000, 'orders', [{ partition: 2, batch: Buffer.from('abc') }]);
    expect(body.readInt16BE(0)).toBe(-1); // no transactional id
    expect(body.readInt16BE(2)).toBe(-1);
    expect(body.readInt32BE(4)).toBe(30_000);
    expect(readBody(body)).toEqual([{ partition: 2, batch: Buffer.from('abc') }]);
    expect(decodeProduceResponse(7, responseFor([[2, 0]])).partitions).toEqual([{ partition: 2, errorCode: 0, baseOffset: 20n }]);
    const frames = Buffer.concat(produceFrames({ version: 7, acks: 1, timeoutMs: 30_000, topic: 'orders', batches: [{ partition: 2, batch: Buffer.from('abc') }, { partition: 0, batch: Buffer.from('de') }] }, 9, 'c'));
    expect(frames.subarray(4 + 2 + 2 + 4 + 2 + 1).equals(Buffer.concat([Buffer.from([0xff, 0xff, 0, 1]), encodeProduceBody(1, 30_000, 'orders', [{ partition: 2, batch: Buffer.from('abc') }, { partition: 0, batch: Buffer.from('de') }]).subarray(4)]))).toBe(true);
    const v3 = Buffer.concat([responseFor([[1, 6]]).subarray(0, -12), Buffer.alloc(4)]);
    expect(decodeProduceResponse(3, v3).partitions).toEqual([{ partition: 1, errorCode: 6, baseOffset: 10n }]);
  });
});

describe('the kafkajs connection Produce requests are written on', () => {
  it('has what direct.ts uses, so a kafkajs update that changes it fails here', () => {
    const require = createRequire(import.meta.url);
    const Connection = require('kafkajs/src/network/connection') as new (o: object) => unknown;
    const { createLogger, LEVELS } = require('kafkajs/src/loggers') as { createLogger(o: object): unknown; LEVELS: { NOTHING: number } };
    const logger = createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined });
    const connection = new Connection({ host: '127.0.0.1', port: 1, logger, socketFactory: () => undefined, requestTimeout: 1000, connectionTimeout: 1000 });
    expect(isProduceConnection(connection)).toBe(true);
  });
});
