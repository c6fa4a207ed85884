import type { KafkaClient } from '../../kafka/client.js';
import type { GroupConsumer } from '../../kafka/group/consumer.js';
import { MessageProducer } from '../../kafka/message-producer.js';
import type { OutgoingRecord, RecordHeaders } from '../../kafka/types.js';
import { joinLines, runExec } from './exec.js';
import type { CommittedOffset } from './fencing.js';
import { envelopeLine, toKafkaHeaders, type PipeRecord } from './record.js';
import type { ExecFormat } from './transforms.js';

/** The input offsets a micro-batch covers: commit `next` (last offset + 1) when it is done. */
export interface BatchOffsets {
  topic: string;
  partition: number;
  first: string;
  next: bigint;
}

/** An input record set aside to the dead-letter topic, with why. */
export interface DeadLetter {
  record: PipeRecord;
  error: string;
}

/** Where a stage's output goes, and how a batch's input offsets are committed with it. */
export interface Sink {
  /**
   * Part of the batch attempt: a failure here (a TransformError) is retried like a transform's. It
   * runs only once the commit before it finished (a database sink opens the batch's transaction here).
   */
  prepare(outputs: PipeRecord[], signal?: AbortSignal): Promise<void>;
  /** Makes the batch durable and commits its offsets; `deadLetters` go to `dlq` in the same commit. */
  commit(outputs: PipeRecord[], offsets: BatchOffsets, deadLetters?: { topic: string; records: DeadLetter[] }): Promise<void>;
  /** Sends the batch's inputs to the dead-letter topic and commits their offsets. */
  deadLetter(inputs: PipeRecord[], error: string, offsets: BatchOffsets, topic: string): Promise<void>;
  close(): Promise<void>;
}

export function deadLetterMessage(r: PipeRecord, error: string): OutgoingRecord {
  const o = r.origin;
  const headers: RecordHeaders = { ...toKafkaHeaders(r.headers), 'kstream-error': error.slice(0, 1000) };
  if (o) {
    headers['kstream-source-topic'] = o.topic;
    headers['kstream-source-partition'] = String(o.partition);
    headers['kstream-source-offset'] = o.offset;
    // So that a re-drive (`kstream copy --dlq-redrive`) can give the record its own time back.
    headers['kstream-source-timestamp'] = o.timestamp;
  }
  return { key: r.key, value: r.value, headers };
}

const offsetsOf = (o: BatchOffsets, metadata: string | null = null) =>
  [{ topic: o.topic, partitions: [{ partition: o.partition, offset: o.next.toString(), metadata }] }];

/** Topic to topic, exactly once: see writer.ts. */
export interface TransactionalSink extends Sink {
  /** Commits these offsets again, unchanged, with this run's --parallel in their metadata (fencing.ts). */
  recordParallel(offsets: CommittedOffset[]): Promise<void>;
}

/**
 * A command as the sink: the batch is piped to it, and its offsets are committed after it exits 0.
 * At-least-once: a crash between the command's exit and the commit runs the batch again.
 */
export async function execSink(
  kafka: KafkaClient,
  consumer: GroupConsumer,
  opts: { command: string; format: ExecFormat; timeoutMs: number; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv; dlq?: string },
): Promise<Sink> {
  let producer: MessageProducer | undefined;
  if (opts.dlq) {
    producer = new MessageProducer(kafka);
    await producer.connect();
  }
  const commitOffsets = (offsets: BatchOffsets) => consumer.commit(offsetsOf(offsets).map((t) => ({ topic: t.topic, ...t.partitions[0]! })));
  return {
    prepare: async (outputs, signal) => {
      const input = opts.format === 'json' ? joinLines(outputs.map((r) => Buffer.from(envelopeLine(r), 'utf8'))) : joinLines(outputs.map((r) => r.value));
      const printed = await runExec(opts.command, input, { timeoutMs: opts.timeoutMs, stderr: opts.stderr, env: opts.env, signal });
      // As at the end of a shell pipeline, what the last command prints is the run's output, byte for byte.
      if (printed.length) opts.stdout.write(printed.at(-1) === 0x0a ? printed : Buffer.concat([printed, Buffer.from('\n')]));
    },
    commit: (_outputs, offsets) => commitOffsets(offsets),
    deadLetter: async (inputs, error, offsets, topic) => {
      await producer!.send(topic, inputs.map((r) => deadLetterMessage(r, error)));
      await commitOffsets(offsets);
    },
    close: async () => {
      await producer?.disconnect();
    },
  };
}
