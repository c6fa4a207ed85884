// Produce requests written straight onto a kafkajs connection's socket.
//
// Why: kafkajs's Connection.send encodes a request's body into one Encoder and that into another
// (kafkajs/src/protocol/request.js), each a zero-filled power-of-two buffer: every round of
// batches cost two allocations of its size, two copies and their garbage, which was most of the
// time produce spent sending. Here the request header and each partition's prefix are small
// buffers, and the batches go to the socket as they are, in one writev. Everything else is
// kafkajs's: the connection (TLS, SASL and its re-authentication), correlation ids, the request
// queue with its order, timeouts and throttling, and the matching of responses by correlation id.
//
// A batch's buffer must not change until its request is answered (or has failed): the socket
// may still hold it. The sender reuses a buffer only after that (sender.ts).
import type { Socket } from 'node:net';
import { KstreamError } from '../../errors.js';
import type { KafkajsBroker } from '../cluster.js';
import { decodeProduceResponse, PRODUCE_API_KEY, produceBodyParts, type PartitionBatch, type PartitionResult } from './request.js';

/** What of kafkajs's Connection (network/connection.js) this uses; `connectionOf` checks it. */
interface KafkajsConnection {
  clientId: string;
  socket: Socket;
  requestQueue: {
    push(request: {
      entry: { apiKey: number; apiName: string; apiVersion: number; correlationId: number; resolve: (r: SocketAnswer) => void; reject: (e: unknown) => void };
      expectResponse: boolean;
      requestTimeout: number;
      sendRequest: () => void;
    }): void;
    maybeThrottle(ms: number): void;
  };
  isAuthenticated(): boolean;
  authenticate(): Promise<void>;
  failIfNotConnected(): void;
  nextCorrelationId(): number;
}

interface SocketAnswer {
  size: number;
  /** The response after its correlation id; null when none was expected (acks=0). */
  payload: Buffer | null;
}

interface KafkajsPool {
  getConnectionByRequest(request: { request: { apiKey: number } }): Promise<KafkajsConnection>;
}

export interface ProduceCall {
  version: number;
  acks: number;
  timeoutMs: number;
  topic: string;
  batches: PartitionBatch[];
  /** The transactional producer's id; null or absent otherwise. */
  transactionalId?: string | null;
}

const METHODS = ['isAuthenticated', 'authenticate', 'failIfNotConnected', 'nextCorrelationId'] as const;

/** Whether `c` has what of kafkajs's Connection this uses (a kafkajs update that changes it must fail a test). */
export function isProduceConnection(c: unknown): c is KafkajsConnection {
  const connection = c as Partial<KafkajsConnection> | undefined;
  const queue = connection?.requestQueue;
  return Boolean(connection) && METHODS.every((m) => typeof connection![m] === 'function') &&
    typeof queue?.push === 'function' && typeof queue.maybeThrottle === 'function';
}

/** The broker's connection for Produce, checked to be the kafkajs Connection this was written for. */
async function connectionOf(broker: KafkajsBroker): Promise<KafkajsConnection> {
  const pool = broker.connectionPool as unknown as Partial<KafkajsPool>;
  const connection = typeof pool.getConnectionByRequest === 'function' ? await pool.getConnectionByRequest({ request: { apiKey: PRODUCE_API_KEY } }) : undefined;
  if (!isProduceConnection(connection)) {
    throw new KstreamError('this kafkajs version has no broker connection kstream can send Produce requests on', {
      hint: 'reinstall kstream with the kafkajs version in its package.json',
    });
  }
  return connection;
}

/** A Produce request on its connection's queue: `answer` settles with the broker's reply. */
export interface QueuedProduce {
  answer: Promise<PartitionResult[] | undefined>;
}

/**
 * Puts one Produce request on `broker`'s connection and resolves once it is queued there, in
 * call order for requests queued one after another: a connection writes its queue in order. The
 * answer holds the partitions' results (undefined with acks=0, which has none); connection
 * failures reject as kafkajs's own errors do, and a closed connection is dropped first.
 */
export async function queueProduce(broker: KafkajsBroker, call: ProduceCall): Promise<QueuedProduce> {
  try {
    const queued = await queueOn(broker, call);
    return { answer: queued.answer.catch((err: unknown) => dropIfClosed(broker, err)) };
  } catch (err) {
    return dropIfClosed(broker, err);
  }
}

/** As kafkajs's Broker does: a closed connection is dropped, so that the next try reconnects. */
async function dropIfClosed(broker: KafkajsBroker, err: unknown): Promise<never> {
  if ((err as Error).name === 'KafkaJSConnectionClosedError') await broker.disconnect().catch(() => undefined);
  throw err;
}

async function queueOn(broker: KafkajsBroker, call: ProduceCall): Promise<QueuedProduce> {
  const connection = await connectionOf(broker);
  if (!connection.isAuthenticated()) await connection.authenticate();
  connection.failIfNotConnected();
  const correlationId = connection.nextCorrelationId();
  const parts = produceFrames(call, correlationId, connection.clientId);
  const expectResponse = call.acks !== 0;
  const raw = new Promise<SocketAnswer>((resolve, reject) => {
    connection.requestQueue.push({
      entry: { apiKey: PRODUCE_API_KEY, apiName: 'Produce', apiVersion: call.version, correlationId, resolve, reject },
      expectResponse,
      // A broker may hold an acks=all request up to timeoutMs; give the socket a little more.
      requestTimeout: call.timeoutMs + 5_000,
      sendRequest: () => {
        // Read at send time: a request held back by throttling goes on the socket of that moment.
        const socket = connection.socket;
        socket.cork();
        for (const part of parts) socket.write(part);
        socket.uncork();
      },
    });
  });
  return { answer: raw.then((a) => produceAnswer(connection, call, expectResponse, a)) };
}

function produceAnswer(connection: KafkajsConnection, call: ProduceCall, expectResponse: boolean, answer: SocketAnswer): PartitionResult[] | undefined {
  if (!expectResponse || !answer.payload) return undefined;
  const decoded = decodeProduceResponse(call.version, answer.payload);
  // KIP-219: a throttled answer holds back the connection's next requests (v6 and later).
  if (call.version >= 6) connection.requestQueue.maybeThrottle(decoded.throttleMs);
  return decoded.partitions;
}

/**
 * The framed request as buffers to write in order: size and request header v1 (api key, version,
 * correlation id, client id) in front of the body's parts (produceBodyParts). Versions 3 to 7 share
 * this layout (request.ts).
 */
export function produceFrames(call: ProduceCall, correlationId: number, clientId: string | null): Buffer[] {
  const client = clientId === null ? null : Buffer.from(clientId, 'utf8');
  const parts = produceBodyParts(call.acks, call.timeoutMs, call.topic, call.batches, call.transactionalId ?? null, 4 + 2 + 2 + 4 + 2 + (client?.length ?? 0));
  let size = -4;
  for (const part of parts) size += part.length;
  const head = parts[0]!;
  let pos = head.writeInt32BE(size, 0);
  pos = head.writeInt16BE(PRODUCE_API_KEY, pos);
  pos = head.writeInt16BE(call.version, pos);
  pos = head.writeInt32BE(correlationId, pos);
  pos = head.writeInt16BE(client ? client.length : -1, pos);
  if (client) client.copy(head, pos);
  return parts;
}
