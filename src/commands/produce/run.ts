import { createReadStream, statSync } from 'node:fs';
import { ExitCode, KstreamError, UsageError } from '../../errors.js';
import { fromKafkaError } from '../../kafka/errors.js';
import { BATCH_HEADER_BYTES } from '../../kafka/codec/encode.js';
import { RecordSender, type AckedRound, type BatchSink, type InputPosition } from '../../kafka/produce/sender.js';
import { FileChunks, streamChunks, type InputChunks } from './lines.js';
import type { ProduceOptions } from './options.js';
import { partitionForKey } from './partitioner.js';
import { ParsedRecord, recordParser, recordSize, type RecordParser } from './records.js';
import { LineScanner } from './scanner.js';
import type { ProduceStats } from './summary.js';
import type { TopicInfo } from './topic-info.js';
import { encodingParser, type RecordEncoders } from '../../serde/encoder.js';

/**
 * A batch of up to a megabyte (librdkafka's batch.size): big enough that a round trip costs
 * little beside filling the next one, small enough that memory stays flat. A round is all the
 * partitions' batches sent together (see src/kafka/produce/sender.ts), just under 2 MiB.
 */
const BATCH_BYTES = 1 << 20;
const ROUND_BYTES = (2 << 20) - (64 << 10);

export interface RunIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  signal: AbortSignal;
  brokers: string[];
}

interface Source {
  name: string;
  open(): InputChunks;
  /** Names record `n` of this source in messages, e.g. "line 12 of data.txt". */
  where(n: number): string;
}

/**
 * One pass over the input: read, split, check and append each record to its partition's
 * batch, counting as it goes. Records are offsets into the chunk read (see scanner.ts and
 * records.ts): nothing is allocated per record on the text path.
 */
export class ProduceRun {
  private readonly parse: RecordParser;
  private readonly record = new ParsedRecord();
  private readonly sender: RecordSender;
  private readonly partitionBytes: number;
  private nextPartition: number;
  private source: Source | undefined;
  private lineNo = 0;
  /** Milliseconds since the epoch when the chunk being appended was read: the records' CreateTime. */
  private now = 0;
  /** Set when stdout can no longer be written (e.g. `| head` exited): the run stops. */
  private outputError: Error | undefined;

  constructor(
    private readonly io: RunIo,
    private readonly opts: ProduceOptions,
    private readonly topic: TopicInfo,
    private readonly stats: ProduceStats,
    sink: BatchSink,
    encoders?: RecordEncoders,
  ) {
    this.parse = encoders ? encodingParser(recordParser(opts), encoders) : recordParser(opts);
    this.nextPartition = Math.floor(Math.random() * topic.partitions);
    this.partitionBytes = topic.maxMessageBytes - BATCH_HEADER_BYTES;
    const limits = { batchBytes: Math.min(BATCH_BYTES, topic.maxMessageBytes), roundBytes: ROUND_BYTES };
    const onAcked = (round: AckedRound) => this.acknowledged(round);
    this.sender = new RecordSender(sink, limits, () => this.position(), onAcked, opts.json);
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
      return this.failed(`${failure.start.where()}: ${error.message}`, error);
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
    const { stdin, signal } = this.io;
    if (this.opts.files.length === 0) return [{ name: 'stdin', open: () => streamChunks(stdin, signal, 'stdin'), where: (n) => `${unit} ${n}` }];
    return this.opts.files.map((path) => ({
      name: path,
      open: () => (isFile(path) ? new FileChunks(path, signal) : fileStream(path, signal)),
      where: (n) => `${unit} ${n} of ${path}`,
    }));
  }

  private async readSource(source: Source): Promise<void> {
    this.source = source;
    this.lineNo = 0;
    // Compression may shrink a record below the topic's limit: then let the broker judge.
    const max = this.opts.maxLineBytes ?? (this.opts.compression === 'none' ? 1 : 16) * this.topic.maxMessageBytes;
    const scanner = new LineScanner(this.opts.delimiter, max, this.opts.stripCr, (n) => this.tooLong(source.where(n)));
    const input = source.open();
    try {
      for await (const chunk of input) {
        await this.sendScanned(scanner, scanner.push(chunk));
        if (this.stopped()) return;
        // Nothing more to read right now: send what there is rather than wait for a full batch.
        if (input.drained()) this.sender.kick();
      }
      if (!this.io.signal.aborted) await this.sendScanned(scanner, scanner.end());
    } finally {
      await input.close();
    }
  }

  /** Sends the `count` records the scanner found, then fails on the one it refused, if any. */
  private async sendScanned(scanner: LineScanner, count: number): Promise<void> {
    this.now = Date.now();
    const { data, starts, ends } = scanner;
    const record = this.record;
    if (this.opts.tee && count > 0) this.tee(scanner, count);
    for (let i = 0; i < count; i++) {
      this.lineNo++;
      this.stats.read++;
      this.parse(i === 0 && scanner.head ? scanner.head : data, starts[i]!, ends[i]!, this.where, record);
      const partition = this.partitionOf(record);
      const payload = record.keyLength + record.valueLength;
      if (this.opts.compression === 'none') this.checkSize(record);
      const timestamp = record.timestamp >= 0 ? record.timestamp : this.now;
      if (this.append(partition, timestamp, record, payload)) continue;
      await this.sender.next();
      if (this.sender.failure) return;
      this.append(partition, timestamp, record, payload);
    }
    if (scanner.error) {
      this.stats.read++; // the refused record was read too, though never parsed
      throw scanner.error;
    }
  }

  /** --tee (kcat -T): the records read, each with its delimiter, to stdout before they are sent. */
  private tee(scanner: LineScanner, count: number): void {
    const parts: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const data = i === 0 && scanner.head ? scanner.head : scanner.data;
      parts.push(data.subarray(scanner.starts[i]!, scanner.ends[i]!), this.opts.delimiter);
    }
    this.io.stdout.write(Buffer.concat(parts));
  }

  private append(partition: number, timestamp: number, r: ParsedRecord, payload: number): boolean {
    return this.sender.append(partition, timestamp, r.key, r.keyStart, r.keyEnd, r.value, r.valueStart, r.valueEnd, r.headers, payload);
  }

  private readonly where = () => this.source!.where(this.lineNo);

  /** The record's own partition, else the Java client's murmur2 of its key, else the next in turn. */
  private partitionOf(record: ParsedRecord): number {
    const count = this.topic.partitions;
    if (record.partition >= 0) {
      if (record.partition >= count) {
        throw new UsageError(`${this.where()} names partition ${record.partition}, but topic '${this.opts.topic}' has ${count} (0-${count - 1})`);
      }
      return record.partition;
    }
    if (record.key) return partitionForKey(record.key, count, record.keyStart, record.keyEnd);
    this.nextPartition = this.nextPartition + 1 === count ? 0 : this.nextPartition + 1;
    return this.nextPartition;
  }

  private checkSize(record: ParsedRecord): void {
    const size = recordSize(record.keyLength, record.valueLength, record.headers.length);
    // A record alone in a batch still carries the batch's header: count it, so the two numbers compare.
    if (size > this.partitionBytes) {
      throw new UsageError(`${this.where()} is a record of about ${size + BATCH_HEADER_BYTES} bytes with Kafka's framing, more than the ${this.topic.maxMessageBytes} bytes topic '${this.opts.topic}' accepts (max.message.bytes)`, {
        hint: this.raiseLimit(),
      });
    }
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
  private position(): InputPosition {
    const source = this.source!;
    const n = this.lineNo;
    return { at: this.stats.read, where: () => source.where(n) };
  }

  private acknowledged(round?: AckedRound): Promise<void> | void {
    this.stats.acked = this.sender.acked;
    this.stats.bytes = this.sender.ackedBytes;
    if (round && this.opts.json && !this.outputError) return writeOffsets(this.io.stdout, round);
  }

  private failed(what: string, cause: KstreamError): KstreamError {
    return new KstreamError(`${this.stats.acked} of ${this.stats.read} records acknowledged; first failed: ${what}`, {
      exitCode: cause.exitCode, hint: cause.hint, cause,
    });
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false; // the stream reports why it cannot be read
  }
}

/** A pipe or device named by --file: read as a stream, which an abort interrupts. */
function fileStream(path: string, signal: AbortSignal): InputChunks {
  const stream = createReadStream(path, { highWaterMark: 256 << 10 });
  return { ...streamChunks(stream, signal, path), close: async () => void stream.destroy() };
}

/** One JSON line per acknowledged record of a round, in input order. */
async function writeOffsets(stdout: NodeJS.WritableStream, round: AckedRound): Promise<void> {
  const next = new Map<number, number | null>();
  for (const [p, base] of round.baseOffsets) next.set(p, base === null ? null : Number(base));
  let out = '';
  for (const p of round.order) {
    if (!next.has(p)) continue; // its batch failed: the run reports it
    const offset = next.get(p)!;
    if (offset !== null) next.set(p, offset + 1);
    out += `{"partition":${p},"offset":${offset}}\n`;
  }
  if (out === '') return;
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
