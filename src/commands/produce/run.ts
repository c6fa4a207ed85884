import { createReadStream } from 'node:fs';
import type { Message, RecordMetadata } from '../../kafkajs.js';
import { ExitCode, KstreamError, UsageError } from '../../errors.js';
import { fromKafkaError } from '../../kafka-errors.js';
import { drained, LineSplitter, readChunks } from './lines.js';
import type { ProduceOptions } from './options.js';
import { createAssigner } from './partitioner.js';
import { recordParser, recordSize, type OutRecord, type RecordParser } from './records.js';
import { BatchSender, type Batch } from './sender.js';
import type { ProduceStats } from './summary.js';
import type { TopicInfo } from './topic-info.js';

/** Room for the record batch header in max.message.bytes. */
const BATCH_OVERHEAD = 61;
/**
 * Records per request: enough that the round trip is small beside kafkajs's encoding of the
 * records, few enough that a batch stays around a megabyte (see groupedOnce in sender.ts).
 */
const BATCH_RECORDS = 4_000;
const BATCH_BYTES = 8 << 20;

export interface RunIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  signal: AbortSignal;
  brokers: string[];
}

interface Source {
  name: string;
  open(): NodeJS.ReadableStream & { destroy?: () => void };
  /** Names record `n` of this source in messages, e.g. "line 12 of data.txt". */
  where(n: number): string;
}

type Sendable = OutRecord & { partition: number };

/** One pass over the input: read, split, check, batch and send, counting as it goes. */
export class ProduceRun {
  private readonly parse: RecordParser;
  private readonly assign: (key: Buffer | null) => number;
  private readonly sender: BatchSender;
  private readonly partitionBytes: number;
  private source: Source | undefined;
  private lineNo = 0;
  /** Set when stdout can no longer be written (e.g. `| head` exited): the run stops. */
  private outputError: Error | undefined;

  constructor(
    private readonly io: RunIo,
    private readonly opts: ProduceOptions,
    private readonly topic: TopicInfo,
    private readonly stats: ProduceStats,
    send: (messages: Message[]) => Promise<RecordMetadata[]>,
  ) {
    this.parse = recordParser(opts);
    this.assign = createAssigner(topic.partitions);
    this.partitionBytes = topic.maxMessageBytes - BATCH_OVERHEAD;
    const limits = { records: BATCH_RECORDS, bytes: BATCH_BYTES, partitionBytes: this.partitionBytes };
    this.sender = new BatchSender(send, limits, (batch, metadata) => this.acknowledged(batch, metadata), () => this.position());
  }

  /** Sends the whole input; resolves to the first failure, after everything before it was flushed. */
  async run(): Promise<KstreamError | undefined> {
    let badInput: KstreamError | undefined;
    const onOutputError = (err: Error) => (this.outputError ??= err);
    if (this.opts.json) this.io.stdout.on('error', onOutputError);
    try {
      for (const source of this.sources()) {
        await this.readSource(source);
        if (this.stopped()) break;
      }
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      badInput = err;
    } finally {
      await this.sender.drain();
      this.io.stdout.off('error', onOutputError);
    }
    this.acknowledged();
    const failure = this.sender.failure;
    if (failure) {
      const error = fromKafkaError(failure.error, this.io.brokers);
      return this.failed(`${failure.start()}: ${error.message}`, error);
    }
    if (badInput) return this.failed(badInput.message, badInput);
    if (this.outputError) {
      const code = (this.outputError as NodeJS.ErrnoException).code ?? this.outputError.message;
      return new KstreamError(`stdout was closed (${code}): stopped after ${this.stats.acked} records, each acknowledged`, { exitCode: ExitCode.USAGE });
    }
  }

  private stopped(): boolean {
    return this.io.signal.aborted || Boolean(this.sender.failure) || Boolean(this.outputError);
  }

  private sources(): Source[] {
    const unit = this.opts.stripCr ? 'line' : 'record';
    if (this.opts.files.length === 0) return [{ name: 'stdin', open: () => this.io.stdin, where: (n) => `${unit} ${n}` }];
    return this.opts.files.map((path) => ({
      name: path,
      open: () => createReadStream(path, { highWaterMark: 256 << 10 }),
      where: (n) => `${unit} ${n} of ${path}`,
    }));
  }

  private async readSource(source: Source): Promise<void> {
    this.source = source;
    this.lineNo = 0;
    // Compression may shrink a record below the topic's limit: then let the broker judge.
    const max = this.opts.maxLineBytes ?? (this.opts.compression === 'none' ? 1 : 16) * this.topic.maxMessageBytes;
    const splitter = new LineSplitter(this.opts.delimiter, max, this.opts.stripCr, (n) => this.tooLong(source.where(n)));
    const stream = source.open();
    try {
      for await (const chunk of readChunks(stream, this.io.signal, source.name)) {
        await this.sendSplit(splitter, splitter.push(chunk));
        if (this.stopped()) return;
        // Nothing more to read right now: send what there is rather than wait for a full batch.
        if (drained(stream)) this.sender.kick();
      }
      if (!this.io.signal.aborted) await this.sendSplit(splitter, splitter.end());
    } finally {
      if (stream !== this.io.stdin) stream.destroy?.();
    }
  }

  /** Sends the records a splitter returned, then fails on the one it refused, if any. */
  private async sendSplit(splitter: LineSplitter, lines: Buffer[]): Promise<void> {
    if (this.opts.tee && lines.length) this.io.stdout.write(Buffer.concat(lines.flatMap((l) => [l, this.opts.delimiter])));
    for (const line of lines) {
      const record = this.toRecord(line);
      const size = this.sizeOf(record);
      if (!this.sender.fits(record.partition, size)) await this.sender.next();
      if (this.sender.failure) return;
      this.sender.add(record, size, (record.key?.length ?? 0) + (record.value?.length ?? 0));
    }
    if (splitter.error) {
      this.stats.read++; // the refused record was read too, though never parsed
      throw splitter.error;
    }
  }

  private readonly where = () => this.source!.where(this.lineNo);

  private toRecord(line: Buffer): Sendable {
    this.lineNo++;
    this.stats.read++;
    const record = this.parse(line, this.where) as Sendable;
    record.partition ??= this.assign(record.key);
    const count = this.topic.partitions;
    if (record.partition >= count) {
      throw new UsageError(`${this.where()} names partition ${record.partition}, but topic '${this.opts.topic}' has ${count} (0-${count - 1})`);
    }
    return record;
  }

  private sizeOf(record: OutRecord): number {
    const size = recordSize(record);
    if (this.opts.compression === 'none' && size > this.partitionBytes) {
      throw new UsageError(`${this.where()} is a record of about ${size} bytes, more than the ${this.topic.maxMessageBytes} bytes topic '${this.opts.topic}' accepts (max.message.bytes)`, {
        hint: this.raiseLimit(),
      });
    }
    return size;
  }

  private tooLong(where: string): UsageError {
    if (this.opts.maxLineBytes !== undefined) {
      return new UsageError(`${where} is longer than --max-line-bytes ${this.opts.maxLineBytes}`, { hint: 'raise --max-line-bytes, or check --delimiter' });
    }
    return new UsageError(`${where} is longer than the ${this.topic.maxMessageBytes} bytes topic '${this.opts.topic}' accepts (max.message.bytes)`, {
      hint: this.raiseLimit(),
    });
  }

  private raiseLimit(): string {
    return `shorten it, or raise the limit with \`kstream topics alter ${this.opts.topic} -c max.message.bytes=N\``;
  }

  /** Where the record being added is, kept by a batch it starts. */
  private position(): () => string {
    const source = this.source!;
    const n = this.lineNo;
    return () => source.where(n);
  }

  private acknowledged(batch?: Batch, metadata?: RecordMetadata[]): Promise<void> | void {
    this.stats.acked = this.sender.acked;
    this.stats.bytes = this.sender.ackedBytes;
    if (batch && metadata && this.opts.json && !this.outputError) return writeOffsets(this.io.stdout, batch, metadata);
  }

  private failed(what: string, cause: KstreamError): KstreamError {
    return new KstreamError(`${this.stats.acked} of ${this.stats.read} records acknowledged; first failed: ${what}`, {
      exitCode: cause.exitCode, hint: cause.hint, cause,
    });
  }
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
  if (stdout.write(out)) return;
  // Wait for room, or for the error that says there will be none.
  await new Promise<void>((resolve) => {
    const done = () => {
      stdout.off('drain', done);
      stdout.off('error', done);
      resolve();
    };
    stdout.on('drain', done);
    stdout.on('error', done);
  });
}
