import { fstatSync } from 'node:fs';
import type { Part } from './format.js';

/** One batch of formatted records as a single buffer, and where each record ends in it. */
export interface Chunk {
  bytes: Buffer;
  /** ends[i] = byte length of the chunk up to and including record i. */
  ends: number[];
}

/** Joins parts into one buffer; `recordEnds[i]` is the index in `parts` just past record i. */
export function joinParts(parts: Part[], recordEnds: number[]): Chunk {
  const lengths = parts.map((p) => (typeof p === 'string' ? Buffer.byteLength(p) : p.length));
  const total = lengths.reduce((a, b) => a + b, 0);
  const bytes = Buffer.allocUnsafe(total);
  const ends: number[] = [];
  let pos = 0;
  let next = 0;
  for (let i = 0; i <= parts.length; i++) {
    while (next < recordEnds.length && recordEnds[next] === i) {
      ends.push(pos);
      next++;
    }
    const p = parts[i];
    if (p === undefined) break;
    if (typeof p === 'string') bytes.write(p, pos);
    else p.copy(bytes, pos);
    pos += lengths[i]!;
  }
  return { bytes, ends };
}

/** Errors that mean the reader of stdout went away: stop quietly. */
function isClosedPipe(err: NodeJS.ErrnoException): boolean {
  return err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED' || err.code === 'ERR_STREAM_WRITE_AFTER_END';
}

/**
 * Writes chunks to stdout one at a time and counts the bytes the stream accepted.
 * A write resolves only once the stream took it, which also applies backpressure.
 */
export class RecordWriter {
  /** Bytes the stream has accepted, in order. */
  accepted = 0;
  /** Bytes handed to the stream so far: where the next chunk will start. */
  queued = 0;
  /** Set once the reader has gone away (EPIPE). */
  closed = false;
  private failure: Error | undefined;
  private readonly onError = (err: NodeJS.ErrnoException) => this.fail(err);

  constructor(private readonly out: NodeJS.WritableStream) {
    out.on('error', this.onError);
  }

  /** Resolves true once `bytes` were accepted, false if stdout is closed. Throws on other write errors. */
  async write(bytes: Buffer): Promise<boolean> {
    if (this.closed) return false;
    if (this.failure) throw this.failure;
    if (bytes.length === 0) return true;
    this.queued += bytes.length;
    const ok = await new Promise<boolean>((resolve) => {
      this.out.write(bytes, (err) => {
        if (err) this.fail(err);
        resolve(!err);
      });
    });
    if (ok) this.accepted += bytes.length;
    if (this.failure) throw this.failure;
    return ok;
  }

  private fail(err: NodeJS.ErrnoException): void {
    if (isClosedPipe(err)) this.closed = true;
    else this.failure ??= err;
  }

  dispose(): void {
    this.out.removeListener('error', this.onError);
  }
}

/**
 * How many written bytes may not have reached the reader yet when it closes: Linux's default pipe
 * buffer (64 KiB) plus the read buffers of tools like head, grep -m and less, with room to spare.
 */
export const IN_FLIGHT_BYTES = 256 * 1024;

/** True when stdout is a pipe or socket, whose reader can go away with data still unread. */
export function isPipe(out: NodeJS.WritableStream): boolean {
  const fd = (out as { fd?: unknown }).fd;
  if (typeof fd !== 'number') return true;
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isSocket();
  } catch {
    return true;
  }
}

interface Entry {
  /** The partition's key (tpKey). */
  partition: string;
  /** Byte position in the output where each record ends, and its offset. */
  ends: number[];
  offsets: number[];
}

/**
 * Remembers which record ends where in the output, so a group commits only records
 * whose bytes were delivered: `confirmed(upTo)` gives the next offset per partition.
 */
export class CommitLedger {
  private entries: Entry[] = [];

  add(partition: string, startByte: number, ends: number[], offsets: number[]): void {
    this.entries.push({ partition, ends: ends.map((e) => startByte + e), offsets });
  }

  /** Next offsets to commit for every record that ends at or before byte `upTo`; forgets them. */
  confirmed(upTo: number): Map<string, number> {
    const next = new Map<string, number>();
    while (this.entries.length > 0) {
      const e = this.entries[0]!;
      const count = countAtOrBelow(e.ends, upTo);
      if (count > 0) next.set(e.partition, e.offsets[count - 1]! + 1);
      if (count < e.ends.length) {
        e.ends = e.ends.slice(count);
        e.offsets = e.offsets.slice(count);
        break;
      }
      this.entries.shift();
    }
    return next;
  }
}

function countAtOrBelow(sorted: number[], limit: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
