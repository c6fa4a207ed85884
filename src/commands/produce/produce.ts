import type { KafkaClient } from '../../kafka/client.js';
import { unreachable, withDeadline, type Connection } from '../../kafka/connection.js';
import type { Io } from '../../context.js';
import type { KstreamError } from '../../errors.js';
import { fromKafkaError } from '../../kafka/errors.js';
import { BatchProducer } from '../../kafka/produce/producer.js';
import type { ProduceOptions } from './options.js';
import { ProduceRun } from './run.js';
import type { ProduceStats } from './summary.js';
import { prepareTopic, probedTopic, type TopicInfo } from './topic-info.js';
import { KafkaAdmin } from '../../kafka/admin/index.js';

import type { RecordEncoders } from '../../serde/encoder.js';

export interface ProduceDeps {
  kafka: KafkaClient;
  conn: Connection;
  io: Pick<Io, 'stdin' | 'stdout'>;
  signal: AbortSignal;
  /** Lines for the user on stderr (a topic created, idempotence off). */
  info: (line: string) => void;
  /** The schemas that encode keys or values, ready before anything is read. */
  encoders?: RecordEncoders;
}

/**
 * Sends every record of the input to the topic; returns only when each one is acknowledged
 * or the run has stopped. A failure (bad input, Kafka refusing) is returned after every record
 * before it was flushed, so the counts in `stats` are exact.
 *
 * Records go from the input buffers into RecordBatch bytes (src/kafka/codec/encode.ts) and out
 * as Produce requests over the Kafka layer's connections (src/kafka/produce/), which keep the
 * metadata, InitProducerId, SASL and TLS.
 */
export async function produceRecords(deps: ProduceDeps, opts: ProduceOptions, stats: ProduceStats): Promise<KstreamError | undefined> {
  const idempotent = opts.acks === -1;
  if (!idempotent && deps.conn.verbose) deps.info(`acks=${opts.acks}: the idempotent producer needs acks=all, so it is off for this run`);
  const producer = new BatchProducer(deps.kafka, {
    topic: opts.topic,
    acks: opts.acks,
    compression: opts.compression,
    idempotent,
    retryMs: retryTime(deps.conn.timeoutMs),
    ackTimeoutMs: Math.max(deps.conn.timeoutMs, 30_000),
  });
  const deadline = <T>(work: Promise<T>) => withDeadline(work, deps.conn.timeoutMs, () => unreachable(deps.conn));
  // The producer connects and takes its id while the topic is read on its connection: round
  // trips fewer before the first record. A failure of either is reported after both have settled.
  const connecting = deadline(producer.connect());
  connecting.catch(() => undefined);
  try {
    const found = await deadline(producer.probeTopic());
    // Not readable that way (missing, hidden, --create-topic): the admin client's checks say why.
    const topic = found ? probedTopic(found, opts) : await withTopic(deps, opts);
    await connecting;
    await deadline(producer.addTopic());
    const io = { stdin: deps.io.stdin, stdout: deps.io.stdout, signal: deps.signal, brokers: deps.conn.brokers };
    return await new ProduceRun(io, opts, topic, stats, producer, deps.encoders).run();
  } catch (err) {
    throw fromKafkaError(err, deps.conn.brokers);
  } finally {
    await connecting.catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
}

async function withTopic(deps: ProduceDeps, opts: ProduceOptions): Promise<TopicInfo> {
  const admin = await KafkaAdmin.on(deps.kafka);
  try {
    return await prepareTopic(admin, opts, deps.info, deps.conn.timeoutMs);
  } catch (err) {
    throw fromKafkaError(err, deps.conn.brokers);
  } finally {
    await admin.close();
  }
}

/**
 * How long one batch's retriable failures (leader moves, lost connections) are retried: about
 * --timeout, the documented meaning, so a broker that went away fails the run in that time.
 */
export function retryTime(timeoutMs: number): number {
  return timeoutMs;
}
