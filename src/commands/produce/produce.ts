import type { KafkaClient, Message } from '../../kafkajs.js';
import { unreachable, withDeadline, type Connection } from '../../connection.js';
import type { Io } from '../../context.js';
import type { KstreamError } from '../../errors.js';
import { fromKafkaError } from '../../kafka-errors.js';
import type { ProduceOptions } from './options.js';
import { ProduceRun } from './run.js';
import { sendUntilAcknowledged } from './sender.js';
import type { ProduceStats } from './summary.js';
import { prepareTopic, type TopicInfo } from './topic-info.js';

export interface ProduceDeps {
  kafka: KafkaClient;
  conn: Connection;
  io: Pick<Io, 'stdin' | 'stdout'>;
  signal: AbortSignal;
  /** Lines for the user on stderr (a topic created, idempotence off). */
  info: (line: string) => void;
  /** kafkajs's CompressionTypes value, its codec registered. */
  compression: number;
}

/**
 * Sends every record of the input to the topic; returns only when each one is acknowledged
 * or the run has stopped. A failure (bad input, Kafka refusing) is returned after every record
 * before it was flushed, so the counts in `stats` are exact.
 */
export async function produceRecords(deps: ProduceDeps, opts: ProduceOptions, stats: ProduceStats): Promise<KstreamError | undefined> {
  const topic = await withTopic(deps, opts);
  const idempotent = opts.acks === -1;
  if (!idempotent && deps.conn.verbose) deps.info(`acks=${opts.acks}: the idempotent producer needs acks=all, so it is off for this run`);
  const producer = deps.kafka.producer({
    idempotent,
    allowAutoTopicCreation: false,
    // Partitions are chosen before records reach kafkajs (see partitioner.ts).
    createPartitioner: () => ({ message }) => message.partition!,
    retry: retryWithin(deps.conn.timeoutMs),
  });
  const request = (messages: Message[]) =>
    producer.send({ topic: opts.topic, messages, acks: opts.acks, compression: deps.compression, timeout: Math.max(deps.conn.timeoutMs, 30_000) });
  const send = async (messages: Message[]) =>
    opts.acks === 0 ? request(messages) : sendUntilAcknowledged(request, messages, Date.now() + deps.conn.timeoutMs);
  try {
    await withDeadline(producer.connect(), deps.conn.timeoutMs, () => unreachable(deps.conn));
    const io = { stdin: deps.io.stdin, stdout: deps.io.stdout, signal: deps.signal, brokers: deps.conn.brokers };
    return await new ProduceRun(io, opts, topic, stats, send).run();
  } catch (err) {
    throw fromKafkaError(err, deps.conn.brokers);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

async function withTopic(deps: ProduceDeps, opts: ProduceOptions): Promise<TopicInfo> {
  const admin = deps.kafka.admin();
  try {
    await withDeadline(admin.connect(), deps.conn.timeoutMs, () => unreachable(deps.conn));
    return await prepareTopic(admin, opts, deps.info, deps.conn.timeoutMs);
  } catch (err) {
    throw fromKafkaError(err, deps.conn.brokers);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * kafkajs retries a failed request with backoff growing to maxRetryTime; allow as many retries
 * as fit in `timeoutMs`, so a broker that went away fails the run in about that time.
 */
export function retryWithin(timeoutMs: number): { initialRetryTime: number; maxRetryTime: number; retries: number } {
  const initialRetryTime = 250;
  const maxRetryTime = 2_000;
  let retries = 0;
  for (let wait = initialRetryTime, total = wait; total <= timeoutMs; wait = Math.min(wait * 2, maxRetryTime), total += wait) retries++;
  return { initialRetryTime, maxRetryTime, retries: Math.max(retries, 2) };
}
