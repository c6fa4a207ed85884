// A stand-in for kafkajs's cluster, for the unit tests of kstream's producers: one broker that
// leads partitions 0-2 and is every coordinator, whose Produce answers the test scripts. Only the
// producers' own logic is under test with it; the wire is tested against the real broker by the
// integration tests.
import type { KafkajsBroker, KafkajsCluster } from '../../src/kafka/cluster.js';

export interface SentProduce {
  transactionalId: string | null;
  topic: string;
  batches: Array<{ partition: number; batch: Buffer }>;
}

/** One partition's answer: partition, error code, base offset. */
export type PartitionAnswer = [partition: number, code: number, baseOffset: bigint];

export function fakeCluster(script: {
  /** The answer to one Produce request; throwing fails the request as a lost connection would. */
  produce: (sent: SentProduce) => PartitionAnswer[];
  /** The broker's other calls; initProducerId answers producer id 77, epoch 3 unless given here. */
  broker?: Record<string, (args: unknown) => Promise<unknown>>;
  refreshMetadata?: () => void;
  findGroupCoordinator?: (args: unknown) => void;
}): KafkajsCluster {
  const connection = fakeProduceConnection(({ body }) => {
    try {
      return produceResponse(body.topic, script.produce(body));
    } catch (err) {
      return err as Error;
    }
  });
  const broker = {
    nodeId: 1,
    versions: { 0: { minVersion: 0, maxVersion: 9 } },
    connectionPool: { getConnectionByRequest: async () => connection },
    initProducerId: async () => ({ producerId: '77', producerEpoch: 3 }),
    disconnect: async () => undefined,
    ...script.broker,
  } as unknown as KafkajsBroker;
  return {
    brokerPool: { seedBroker: broker },
    connect: async () => undefined,
    disconnect: async () => undefined,
    addTargetTopic: async () => undefined,
    refreshMetadata: async () => script.refreshMetadata?.(),
    findTopicPartitionMetadata: () => [0, 1, 2].map((partitionId) => ({ partitionId, leader: 1 })),
    findBroker: async () => broker,
    findControllerBroker: async () => broker,
    findGroupCoordinator: async (a) => (script.findGroupCoordinator?.(a), broker),
    fetchTopicsOffset: async () => [],
  };
}

/** A framed Produce request as direct.ts writes it: size, request header v1, body. */
export interface ProduceFrame {
  size: number;
  apiKey: number;
  version: number;
  correlationId: number;
  clientId: string;
  body: SentProduce;
}

export function readProduceFrame(frame: Buffer): ProduceFrame {
  const clientIdLen = frame.readInt16BE(12);
  return {
    size: frame.readInt32BE(0),
    apiKey: frame.readInt16BE(4),
    version: frame.readInt16BE(6),
    correlationId: frame.readInt32BE(8),
    clientId: frame.toString('utf8', 14, 14 + clientIdLen),
    body: readProduceBody(frame.subarray(14 + clientIdLen)),
  };
}

/**
 * kafkajs's Connection as direct.ts uses it: the parts a request writes to the socket are read
 * back as one frame, and `answer` gives its response (an Error: the request fails, as on a lost
 * connection). A frame whose correlation id is not the queued request's fails the request.
 */
export function fakeProduceConnection(answer: (frame: ProduceFrame, whole: Buffer) => Buffer | Error) {
  let correlationId = 0;
  const written: Buffer[] = [];
  return {
    clientId: 'kstream-test',
    socket: { cork: () => undefined, uncork: () => undefined, write: (part: Buffer) => void written.push(Buffer.from(part)) },
    isAuthenticated: () => true,
    authenticate: async () => undefined,
    failIfNotConnected: () => undefined,
    nextCorrelationId: () => correlationId++,
    requestQueue: {
      maybeThrottle: () => undefined,
      push: (req: { entry: { correlationId: number; resolve: (a: unknown) => void; reject: (e: unknown) => void }; sendRequest: () => void }) => {
        req.sendRequest();
        const whole = Buffer.concat(written.splice(0));
        const frame = readProduceFrame(whole);
        if (frame.correlationId !== req.entry.correlationId) return req.entry.reject(new Error(`frame of correlation id ${frame.correlationId}, queued as ${req.entry.correlationId}`));
        const out = answer(frame, whole);
        if (out instanceof Error) return req.entry.reject(out);
        req.entry.resolve({ size: out.length, payload: out });
      },
    },
  };
}

/** A Produce request body (encodeProduceBody's layout): transactional id, acks, timeout, one topic and its batches. */
export function readProduceBody(body: Buffer): SentProduce {
  const idLen = body.readInt16BE(0);
  const transactionalId = idLen < 0 ? null : body.toString('utf8', 2, 2 + idLen);
  let pos = 2 + Math.max(idLen, 0) + 2 + 4 + 4;
  const topicLen = body.readInt16BE(pos);
  const topic = body.toString('utf8', pos + 2, pos + 2 + topicLen);
  pos += 2 + topicLen;
  const n = body.readInt32BE(pos);
  pos += 4;
  const batches = [];
  for (let i = 0; i < n; i++) {
    const partition = body.readInt32BE(pos);
    const len = body.readInt32BE(pos + 4);
    batches.push({ partition, batch: body.subarray(pos + 8, pos + 8 + len) });
    pos += 8 + len;
  }
  return { transactionalId, topic, batches };
}

/** A v7 Produce response for one topic. */
export function produceResponse(topic: string, parts: PartitionAnswer[]): Buffer {
  const out = Buffer.alloc(4 + 2 + Buffer.byteLength(topic) + 4 + parts.length * 30 + 4);
  let pos = out.writeInt32BE(1, 0);
  pos = out.writeInt16BE(Buffer.byteLength(topic), pos);
  pos += out.write(topic, pos);
  pos = out.writeInt32BE(parts.length, pos);
  for (const [p, code, baseOffset] of parts) {
    pos = out.writeInt32BE(p, pos);
    pos = out.writeInt16BE(code, pos);
    pos = out.writeBigInt64BE(baseOffset, pos);
    pos = out.writeBigInt64BE(-1n, pos);
    pos = out.writeBigInt64BE(0n, pos);
  }
  out.writeInt32BE(0, pos);
  return out.subarray(0, pos + 4);
}
