import { UsageError } from '../../errors.js';

/** Splits a byte stream into records at a delimiter, with bounded memory. */
export class LineSplitter {
  private rest: Buffer | undefined;
  /** How many records have been returned, i.e. the number of the last one. */
  count = 0;
  /** Set when a record was longer than the limit; the records before it were returned. */
  error: Error | undefined;

  constructor(
    private readonly delimiter: Buffer,
    private readonly maxBytes: number,
    private readonly stripCr: boolean,
    /** The error for record number `n` being longer than the limit. */
    private readonly tooLong: (n: number) => Error,
  ) {}

  /** The complete records in `chunk` (views into it, not copies), up to one that is too long. */
  push(chunk: Buffer): Buffer[] {
    if (this.error) return [];
    const data = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    const out: Buffer[] = [];
    const step = this.delimiter.length;
    let start = 0;
    for (let at = data.indexOf(this.delimiter, 0); at !== -1; at = data.indexOf(this.delimiter, start)) {
      const line = this.take(data, start, at);
      if (!line) return out;
      out.push(line);
      start = at + step;
    }
    this.rest = start < data.length ? data.subarray(start) : undefined;
    // A record can only grow by its delimiter's length and a \r beyond the limit before it is cut.
    if (this.rest && this.rest.length > this.maxBytes + step) this.error = this.tooLong(this.count + 1);
    return out;
  }

  /** The last record when the input does not end with the delimiter. */
  end(): Buffer[] {
    const rest = this.rest;
    this.rest = undefined;
    const line = rest && rest.length > 0 && !this.error ? this.take(rest, 0, rest.length) : undefined;
    return line ? [line] : [];
  }

  private take(data: Buffer, start: number, end: number): Buffer | undefined {
    if (this.stripCr && end > start && data[end - 1] === 13) end--;
    if (end - start > this.maxBytes) {
      this.error = this.tooLong(this.count + 1);
      return undefined;
    }
    this.count++;
    return data.subarray(start, end);
  }
}

type ChunkStream = NodeJS.ReadableStream & { readableLength?: number; destroy?: (err?: Error) => void };

/**
 * Reads `stream` chunk by chunk until it ends or `signal` aborts; no more than one chunk
 * is read ahead of the caller, which is what keeps memory bounded.
 */
export async function* readChunks(stream: ChunkStream, signal: AbortSignal, name: string): AsyncGenerator<Buffer> {
  let ended = Boolean((stream as { readableEnded?: boolean }).readableEnded);
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => wake?.();
  const onEnd = () => { ended = true; notify(); };
  const onError = (err: Error) => { failure = err; notify(); };
  stream.on('readable', notify);
  stream.on('end', onEnd);
  stream.on('error', onError);
  signal.addEventListener('abort', notify);
  try {
    while (!signal.aborted) {
      if (failure) throw new UsageError(`cannot read ${name}: ${failure.message}`);
      const chunk = stream.read() as Buffer | string | null;
      if (chunk !== null) {
        yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    stream.off('readable', notify);
    stream.off('end', onEnd);
    stream.off('error', onError);
    signal.removeEventListener('abort', notify);
  }
}

/** True when `stream` holds no data that was already read from the OS. */
export function drained(stream: ChunkStream): boolean {
  return (stream.readableLength ?? 0) === 0;
}
