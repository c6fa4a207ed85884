import { createReadStream } from 'node:fs';
import type { Admin, KafkaClient, Message, Producer, RecordMetadata } from '../../kafkajs.js';
import { ConfigResourceTypes } from '../../kafkajs.js';
import { unreachable, withDeadline, type Connection } from '../../connection.js';
import type { Io } from '../../context.js';
import { KstreamError, UsageError } from '../../errors.js';
import { fromKafkaError } from '../../kafka-errors.js';
import { drained, LineSplitter, readChunks } from './lines.js';
import type { ProduceOptions } from './options.js';
import { createAssigner } from './partitioner.js';
import { recordParser, recordSize, type OutRecord } from './records.js';
import { BatchSender, type Batch } from './sender.js';
import type { ProduceStats } from './summary.js';

/** Kafka's default max.message.bytes, used if the broker does not report the topic's. */
const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
/** Room for the record batch header in max.message.bytes. */
const BATCH_OVERHEAD = 61;
/**
 * Records per request: enough that the round trip is small beside kafkajs's encoding of the
 * records, few enough that a batch stays around a megabyte (see groupedOnce in sender.ts).
 */
const BATCH_RECORDS = 4_000;
const BATCH_BYTES = 8 << 20;

export interface ProduceDeps {
  kafka: KafkaClient;
  conn: Connection;
  io: Pick<Io, 'stdin' | 'stdout'>;
  signal: AbortSignal;
  /** Lines for the user on stderr (a topic created, idempotence off). */
  info: (line: string) => void;
  compression: number;
}

interface TopicInfo {
  partitions: number;
  maxMessageBytes: number;
}

/**
 * Sends every record of the input to the topic; returns only when each one is acknowledged
 * or the run has stopped. Failures (bad input, Kafka refusing) come back as `failure`, after
 * every record before them was flushed, so the counts in `stats` are exact.
 */
export async function produceRecords(deps: ProduceDeps, opts: ProduceOptions, stats: ProduceStats): Promise<KstreamError | undefined> {
  const topic = await prepareTopic(deps, opts);
  const idempotent = opts.acks === -1;
  if (!idempotent && deps.conn.verbose) deps.info(`acks=${opts.acks}: the idempotent producer needs acks=all, so it is off for this run`);
  const producer = deps.kafka.producer({
    idempotent,
    allowAutoTopicCreation: false,
    // Partitions are chosen before records reach kafkajs (see partitioner.ts).
    createPartitioner: () => ({ message }) => message.partition!,
    retry: retryWithin(deps.conn.timeoutMs),
  });
  try {
    await withDeadline(producer.connect(), deps.conn.timeoutMs, () => unreachable(deps.conn));
    return await pump(deps, opts, stats, topic, producer);
  } catch (err) {
    throw fromKafkaError(err, deps.conn.brokers);
  } finally {
    await producer.disconnect().catch(() => undefined);
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

async function prepareTopic(deps: ProduceDeps, opts: ProduceOptions): Promise<TopicInfo> {
  const admin = deps.kafka.admin();
  try {
    await withDeadline(admin.connect(), deps.conn.timeoutMs, () => unreachable(deps.conn));
    if (!(await admin.listTopics()).includes(opts.topic)) {
      if (!opts.createTopic) {
        throw new UsageError(`topic '${opts.topic}' does not exist`, {
          hint: `create it with \`kstream topics create ${opts.topic}\`, or pass --create-topic`,
        });
      }
      await admin.createTopics({ topics: [{ topic: opts.topic, numPartitions: opts.partitions }], waitForLeaders: true });
      deps.info(`created topic '${opts.topic}'`);
    }
    const info = await describe(admin, opts.topic);
    if (opts.partition !== undefined && opts.partition >= info.partitions) {
      throw new UsageError(`--partition ${opts.partition} does not exist: topic '${opts.topic}' has ${info.partitions} (0-${info.partitions - 1})`);
    }
    return info;
  } catch (err) {
    throw fromKafkaError(err, deps.conn.brokers);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function describe(admin: Admin, topic: string): Promise<TopicInfo> {
  const [{ topics }, configs] = await Promise.all([
    admin.fetchTopicMetadata({ topics: [topic] }),
    // Reading configs may be denied where writing is allowed: then assume Kafka's default.
    admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }], includeSynonyms: false })
      .catch(() => ({ resources: [] as Array<{ configEntries: Array<{ configName: string; configValue: string }> }> })),
  ]);
  const entry = configs.resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes');
  return { partitions: topics[0]!.partitions.length, maxMessageBytes: Number(entry?.configValue ?? DEFAULT_MAX_MESSAGE_BYTES) };
}

interface Source {
  name: string;
  open(): NodeJS.ReadableStream & { destroy?: () => void };
  /** Names record `n` of this source in messages. */
  where(n: number): string;
}

function sources(deps: ProduceDeps, opts: ProduceOptions): Source[] {
  const unit = opts.stripCr ? 'line' : 'record';
  if (opts.files.length === 0) return [{ name: 'stdin', open: () => deps.io.stdin, where: (n) => `${unit} ${n}` }];
  return opts.files.map((path) => ({
    name: path,
    open: () => createReadStream(path, { highWaterMark: 256 << 10 }),
    where: (n) => `${unit} ${n} of ${path}`,
  }));
}

async function pump(deps: ProduceDeps, opts: ProduceOptions, stats: ProduceStats, topic: TopicInfo, producer: Producer): Promise<KstreamError | undefined> {
  const parse = recordParser(opts);
  const assign = createAssigner(topic.partitions);
  const partitionBytes = topic.maxMessageBytes - BATCH_OVERHEAD;
  const checkSize = opts.compression === 'none';
  const send = (messages: Message[]) =>
    producer.send({ topic: opts.topic, messages, acks: opts.acks, compression: deps.compression, timeout: Math.max(deps.conn.timeoutMs, 30_000) });
  // Position of the record being added, read when it starts a batch.
  let source: Source | undefined;
  let lineNo = 0;
  const sender = new BatchSender(send, { records: BATCH_RECORDS, bytes: BATCH_BYTES, partitionBytes }, (batch, metadata) => {
    stats.acked = sender.acked;
    stats.bytes = sender.ackedBytes;
    if (opts.json) return writeOffsets(deps.io.stdout, batch, metadata);
  }, () => {
    const s = source!;
    const n = lineNo;
    return () => s.where(n);
  });

  let badInput: KstreamError | undefined;
  const where = () => source!.where(lineNo);
  const toRecord = (line: Buffer): OutRecord & { partition: number } => {
    lineNo++;
    stats.read++;
    const record = parse(line, where) as OutRecord & { partition: number };
    record.partition ??= assign(record.key);
    if (record.partition >= topic.partitions) {
      throw new UsageError(`${where()} names partition ${record.partition}, but topic '${opts.topic}' has ${topic.partitions} (0-${topic.partitions - 1})`);
    }
    return record;
  };
  const sizeOf = (record: OutRecord): number => {
    const size = recordSize(record);
    if (checkSize && size > partitionBytes) {
      throw new UsageError(`${where()} is a record of about ${size} bytes, more than the ${topic.maxMessageBytes} bytes topic '${opts.topic}' accepts (max.message.bytes)`, {
        hint: `shorten it, or raise the limit with \`kstream topics alter ${opts.topic} -c max.message.bytes=N\``,
      });
    }
    return size;
  };
  const sendAll = async (lines: Buffer[]) => {
    for (const line of lines) {
      const record = toRecord(line);
      const size = sizeOf(record);
      if (!sender.fits(record.partition, size)) await sender.next();
      if (sender.failure) return;
      sender.add(record, size, (record.key?.length ?? 0) + (record.value?.length ?? 0));
    }
  };
  const tooLong = (where: string) =>
    opts.maxLineBytes !== undefined
      ? new UsageError(`${where} is longer than --max-line-bytes ${opts.maxLineBytes}`, { hint: 'raise --max-line-bytes, or check --delimiter' })
      : new UsageError(`${where} is longer than the ${topic.maxMessageBytes} bytes topic '${opts.topic}' accepts (max.message.bytes)`, {
        hint: `shorten it, or raise the limit with \`kstream topics alter ${opts.topic} -c max.message.bytes=N\``,
      });
  // Compression may shrink a record below the topic's limit: then let the broker judge.
  const maxLine = opts.maxLineBytes ?? (checkSize ? topic.maxMessageBytes : 16 * topic.maxMessageBytes);
  /** Sends the records a splitter returned; then fails on the one it refused, if any. */
  const sendSplit = async (splitter: LineSplitter, lines: Buffer[]) => {
    await sendAll(lines);
    if (splitter.error && !sender.failure) {
      // The refused record was read too, though never parsed.
      stats.read++;
      throw splitter.error;
    }
  };

  try {
    for (source of sources(deps, opts)) {
      lineNo = 0;
      const current = source;
      const splitter = new LineSplitter(opts.delimiter, maxLine, opts.stripCr, (n) => tooLong(current.where(n)));
      const stream = source.open();
      try {
        for await (const chunk of readChunks(stream, deps.signal, source.name)) {
          await sendSplit(splitter, splitter.push(chunk));
          if (sender.failure) break;
          if (drained(stream)) sender.kick();
        }
        if (!deps.signal.aborted && !sender.failure) await sendSplit(splitter, splitter.end());
      } finally {
        if (stream !== deps.io.stdin) stream.destroy?.();
      }
      if (deps.signal.aborted || sender.failure) break;
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    badInput = err;
  }
  await sender.drain();
  stats.acked = sender.acked;
  stats.bytes = sender.ackedBytes;
  if (sender.failure) {
    const error = fromKafkaError(sender.failure.error, deps.conn.brokers);
    return failed(stats, `${sender.failure.start()}: ${error.message}`, error);
  }
  if (badInput) return failed(stats, badInput.message, badInput);
}

function failed(stats: ProduceStats, what: string, cause: KstreamError): KstreamError {
  return new KstreamError(`${stats.acked} of ${stats.read} records acknowledged; first failed: ${what}`, {
    exitCode: cause.exitCode, hint: cause.hint, cause,
  });
}

/** One JSON line per record of an acknowledged batch, in input order. */
async function writeOffsets(stdout: NodeJS.WritableStream, batch: Batch, metadata: RecordMetadata[]): Promise<void> {
  const next = new Map<number, number>();
  for (const m of metadata) next.set(m.partition, Number(m.baseOffset));
  let out = '';
  for (const message of batch.messages) {
    const p = message.partition!;
    const offset = next.get(p);
    if (offset !== undefined) next.set(p, offset + 1);
    out += `{"partition":${p},"offset":${offset ?? null}}\n`;
  }
  if (!stdout.write(out)) await new Promise((resolve) => stdout.once('drain', resolve));
}
