import type { Consumer, IHeaders, KafkaClient, Message, Producer } from '../../kafkajs.js';
import { runExec } from './exec.js';
import { envelopeLine, type PipeRecord } from './record.js';
import type { ExecFormat } from './transforms.js';

/** The input offsets a micro-batch covers: commit `next` (last offset + 1) when it is done. */
export interface BatchOffsets {
  topic: string;
  partition: number;
  first: string;
  next: bigint;
}

/** Where a stage's output goes, and how a batch's input offsets are committed with it. */
export interface Sink {
  /** Part of the batch attempt: a failure here (a TransformError) is retried like a transform's. */
  prepare(outputs: PipeRecord[]): Promise<void>;
  /** Makes the batch durable and commits its offsets. */
  commit(outputs: PipeRecord[], offsets: BatchOffsets): Promise<void>;
  /** Sends the batch's inputs to the dead-letter topic and commits their offsets. */
  deadLetter(inputs: PipeRecord[], error: string, offsets: BatchOffsets, topic: string): Promise<void>;
  close(): Promise<void>;
}

const SEND_CHUNK = 1000;

const toMessage = (r: PipeRecord): Message => {
  const m: Message = { key: r.key, value: r.value, headers: r.headers as IHeaders };
  if (r.partition !== undefined) m.partition = r.partition;
  return m;
};

export function deadLetterMessage(r: PipeRecord, error: string): Message {
  const o = r.origin;
  const headers: IHeaders = { ...(r.headers as IHeaders), 'kstream-error': error.slice(0, 1000) };
  if (o) {
    headers['kstream-source-topic'] = o.topic;
    headers['kstream-source-partition'] = String(o.partition);
    headers['kstream-source-offset'] = o.offset;
  }
  return { key: r.key, value: r.value, headers };
}

const offsetsOf = (o: BatchOffsets) => [{ topic: o.topic, partitions: [{ partition: o.partition, offset: o.next.toString() }] }];

/**
 * Topic to topic, exactly once: each batch's output and its input offsets go in one transaction.
 * The transactional id is stable for the stage and worker, so a new run fences an old one.
 */
export async function transactionalSink(kafka: KafkaClient, opts: { transactionalId: string; to: string[]; groupId: string }): Promise<Sink> {
  const producer = kafka.producer({ transactionalId: opts.transactionalId, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  // kafkajs registers the transactional id on the first transaction, not on connect. Do it now, before
  // the consumer reads the committed offsets: this fences an older run and waits until its last
  // transaction is committed or aborted, so those offsets are final. (An empty abort sends nothing.)
  await (await producer.transaction()).abort();
  const inTransaction = async (topicMessages: Array<{ topic: string; messages: Message[] }>, offsets: BatchOffsets) => {
    const txn = await producer.transaction();
    try {
      for (const { topic, messages } of topicMessages) {
        // kafkajs groups a request's messages by partition in quadratic time: keep requests small.
        for (let i = 0; i < messages.length; i += SEND_CHUNK) await txn.send({ topic, messages: messages.slice(i, i + SEND_CHUNK) });
      }
      await txn.sendOffsets({ consumerGroupId: opts.groupId, topics: offsetsOf(offsets) });
      await txn.commit();
    } catch (err) {
      if (txn.isActive()) await txn.abort().catch(() => undefined);
      throw err;
    }
  };
  return {
    prepare: async () => undefined,
    commit: (outputs, offsets) => inTransaction(opts.to.map((topic) => ({ topic, messages: outputs.map(toMessage) })), offsets),
    deadLetter: (inputs, error, offsets, topic) => inTransaction([{ topic, messages: inputs.map((r) => deadLetterMessage(r, error)) }], offsets),
    close: () => producer.disconnect(),
  };
}

/**
 * A command as the sink: the batch is piped to it, and its offsets are committed after it exits 0.
 * At-least-once: a crash between the command's exit and the commit runs the batch again.
 */
export async function execSink(
  kafka: KafkaClient,
  consumer: Consumer,
  opts: { command: string; format: ExecFormat; timeoutMs: number; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv; dlq?: string },
): Promise<Sink> {
  let producer: Producer | undefined;
  if (opts.dlq) {
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
  }
  return {
    prepare: async (outputs) => {
      const lines = outputs.map((r) => (opts.format === 'json' ? envelopeLine(r) : (r.value?.toString('utf8') ?? '')));
      const printed = await runExec(opts.command, lines, { timeoutMs: opts.timeoutMs, stderr: opts.stderr, env: opts.env });
      // As at the end of a shell pipeline, what the last command prints is the run's output.
      if (printed.length) opts.stdout.write(printed.join('\n') + '\n');
    },
    commit: (_outputs, offsets) => consumer.commitOffsets(offsetsOf(offsets).map((t) => ({ topic: t.topic, ...t.partitions[0]! }))),
    deadLetter: async (inputs, error, offsets, topic) => {
      await producer!.send({ topic, messages: inputs.map((r) => deadLetterMessage(r, error)) });
      await consumer.commitOffsets(offsetsOf(offsets).map((t) => ({ topic: t.topic, ...t.partitions[0]! })));
    },
    close: async () => {
      await producer?.disconnect();
    },
  };
}
