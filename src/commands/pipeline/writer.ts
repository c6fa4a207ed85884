// The exactly-once writer of a topic-to-topic stage, and its commit ledger: each micro-batch's
// outputs (to every destination), its dead letters, and the next input offsets of the group go in
// one transaction of kstream's TransactionalProducer (src/kafka/produce/transaction.ts). Records
// are written into record batch bytes as they are appended, with no per-record object for the
// Kafka client to build and encode again.
import { encodeHeaders, NO_HEADERS } from '../../kafka/codec/encode.js';
import { TransactionalProducer, TransactionRecords, type TxnOffset } from '../../kafka/produce/transaction.js';
import type { KafkaClient } from '../../kafka/client.js';
import { createAssigner } from '../produce/partitioner.js';
import { parallelMetadata, type CommittedOffset } from './fencing.js';
import type { TopicLimits } from './limits.js';
import { TransformError, type PipeHeaders, type PipeRecord } from './record.js';
import { deadLetterMessage, type BatchOffsets, type DeadLetter, type TransactionalSink } from './sinks.js';

const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
/** Kafka's default transaction.timeout.ms (the Java producer's). */
const TRANSACTION_TIMEOUT_MS = 60_000;
const ACK_TIMEOUT_MS = 30_000;

export interface WriterOptions {
  transactionalId: string;
  to: string[];
  dlq?: string;
  groupId: string;
  parallel: number;
  limits: TopicLimits;
  /** How long a failing request is retried (--timeout). */
  retryMs: number;
  /** What a copy keeps of each record's source besides key, value and headers. */
  keep?: KeepSource;
}

export interface KeepSource {
  partition: boolean;
  timestamp: boolean;
}

/** A record's headers as the block a record batch carries. */
export function headerBlock(headers: PipeHeaders | Record<string, unknown> | undefined): Buffer {
  if (!headers) return NO_HEADERS;
  const entries: Array<[Buffer, Buffer | null]> = [];
  for (const [name, v] of Object.entries(headers)) {
    const key = Buffer.from(name, 'utf8');
    for (const one of Array.isArray(v) ? v : [v]) {
      if (one === undefined) continue;
      entries.push([key, one === null ? null : Buffer.isBuffer(one) ? one : Buffer.from(String(one), 'utf8')]);
    }
  }
  return entries.length ? encodeHeaders(entries) : NO_HEADERS;
}

/**
 * Topic to topic, exactly once. The transactional id is stable for the stage and worker, so a new
 * run's InitProducerId fences an old one and waits for its open transaction to end.
 */
export async function transactionalWriter(kafka: KafkaClient, opts: WriterOptions): Promise<TransactionalSink> {
  const producer = new TransactionalProducer(kafka, {
    transactionalId: opts.transactionalId,
    topics: [...opts.to, ...(opts.dlq ? [opts.dlq] : [])],
    retryMs: opts.retryMs,
    ackTimeoutMs: ACK_TIMEOUT_MS,
    transactionTimeoutMs: TRANSACTION_TIMEOUT_MS,
  });
  await producer.connect();
  const metadata = parallelMetadata(opts.parallel);
  const counts = new Map<string, number>();
  const assigners = new Map<string, (key: Buffer | null) => number>();
  const partitions = (topic: string) => {
    let n = counts.get(topic);
    if (n === undefined) counts.set(topic, (n = producer.partitionCount(topic)));
    return n;
  };
  const assigner = (topic: string) => {
    let a = assigners.get(topic);
    if (!a) assigners.set(topic, (a = createAssigner(partitions(topic))));
    return a;
  };
  const batchBytes = (topic: string) => opts.limits.get(topic) ?? DEFAULT_MAX_MESSAGE_BYTES;

  const append = (txn: TransactionRecords, topic: string, records: PipeRecord[], headersOf: (r: PipeRecord) => Buffer, keep?: KeepSource) => {
    const pick = assigner(topic);
    const now = Date.now();
    for (const r of records) {
      const partition = r.partition ?? (keep?.partition && r.origin ? r.origin.partition : pick(r.key));
      const timestamp = keep?.timestamp && r.origin ? Number(r.origin.timestamp) : now;
      txn.append(topic, partition, timestamp, r.key, r.value, headersOf(r));
    }
  };
  const plainHeaders = (r: PipeRecord) => headerBlock(r.headers);
  const ledger = (o: BatchOffsets): TxnOffset[] => [{ topic: o.topic, partition: o.partition, offset: o.next.toString(), metadata }];
  const commit = (txn: TransactionRecords, offsets: TxnOffset[]) => producer.commit(txn, { groupId: opts.groupId, offsets });
  const deadLetters = (txn: TransactionRecords, topic: string, letters: DeadLetter[]) =>
    append(txn, topic, letters.map((d) => d.record), deadLetterHeaders(letters));

  return {
    // A partition a --map chose must exist: a bad record, retried and dead-lettered like any.
    prepare: async (outputs) => {
      for (const topic of opts.to) {
        const n = partitions(topic);
        const bad = outputs.find((r) => r.partition !== undefined && r.partition >= n);
        if (bad) throw new TransformError(`partition ${bad.partition} does not exist in topic '${topic}' (it has ${n})`, { retriable: false });
      }
    },
    commit: async (outputs, offsets, dead) => {
      const txn = new TransactionRecords(batchBytes);
      for (const topic of opts.to) append(txn, topic, outputs, plainHeaders, opts.keep);
      if (dead?.records.length) deadLetters(txn, dead.topic, dead.records);
      await commit(txn, ledger(offsets));
    },
    deadLetter: async (inputs, error, offsets, topic) => {
      const txn = new TransactionRecords(batchBytes);
      deadLetters(txn, topic, inputs.map((record) => ({ record, error })));
      await commit(txn, ledger(offsets));
    },
    recordParallel: (offsets: CommittedOffset[]) =>
      commit(new TransactionRecords(batchBytes), offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, metadata }))),
    close: () => producer.disconnect(),
  };
}

/** Dead letters keep the input's key, value and headers, and add why and where from (deadLetterMessage). */
function deadLetterHeaders(letters: DeadLetter[]): (r: PipeRecord) => Buffer {
  const why = new Map(letters.map((d) => [d.record, d.error]));
  return (r) => headerBlock(deadLetterMessage(r, why.get(r) ?? '').headers as Record<string, unknown>);
}
