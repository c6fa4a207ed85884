import { open, type FileHandle } from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import { arenaBuffer, releaseBuffer } from '../../kafka/codec/arena.js';

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

/** Chunks of one input, and whether what was read so far is all there is for now. */
export interface InputChunks extends AsyncIterable<Buffer> {
  /** True when the input has no data waiting: records read so far should not wait for more. */
  drained(): boolean;
  close(): Promise<void>;
}

/** A stream (stdin) as InputChunks, each chunk valid until the caller asks for the next one. */
export function streamChunks(stream: ChunkStream, signal: AbortSignal, name: string): InputChunks {
  return {
    [Symbol.asyncIterator]: () => inArena(readChunks(stream, signal, name)),
    drained: () => drained(stream),
    close: async () => undefined,
  };
}

const FILE_CHUNK_BYTES = 1 << 20;
const STREAM_CHUNK_BYTES = 256 << 10;

/**
 * Each chunk copied into one of two arena buffers in turn (one native copy per chunk), so that
 * its records go into their batches by memory.copy (src/kafka/codec/arena.ts). A chunk larger
 * than a buffer is passed on as it is.
 */
async function* inArena(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const slots = [arenaBuffer(STREAM_CHUNK_BYTES), arenaBuffer(STREAM_CHUNK_BYTES)];
  let turn = 0;
  try {
    for await (const chunk of chunks) {
      const slot = slots[turn]!;
      if (chunk.length > slot.length) {
        yield chunk;
        continue;
      }
      turn ^= 1;
      chunk.copy(slot, 0);
      yield slot.subarray(0, chunk.length);
    }
  } finally {
    slots.forEach(releaseBuffer);
  }
}

/**
 * A file read into two buffers in turn, one being filled while the caller scans the other:
 * no allocation per chunk, so reading a long file makes no garbage. A chunk is valid until the
 * caller asks for the next one (the scanner copies the one record cut at its edge).
 */
export class FileChunks implements InputChunks {
  /** In the arena (src/kafka/codec/arena.ts): records go from here into their batches by memory.copy. */
  private readonly buffers = [arenaBuffer(FILE_CHUNK_BYTES), arenaBuffer(FILE_CHUNK_BYTES)];
  private ahead: Promise<number> | undefined;
  private aheadDone = false;
  private handle: FileHandle | undefined;

  constructor(private readonly path: string, private readonly signal: AbortSignal) {}

  drained(): boolean {
    return !this.aheadDone;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    const handle = (this.handle ??= await this.opened());
    let turn = 0;
    this.readAhead(handle, turn);
    while (!this.signal.aborted) {
      const n = await this.ahead!;
      if (n === 0) return;
      const chunk = this.buffers[turn]!.subarray(0, n);
      turn ^= 1;
      this.readAhead(handle, turn);
      yield chunk;
    }
  }

  async close(): Promise<void> {
    await this.ahead?.catch(() => undefined);
    await this.handle?.close();
    this.handle = undefined;
    // Once: a block released twice would be handed out twice.
    this.buffers.splice(0).forEach(releaseBuffer);
  }

  private async opened(): Promise<FileHandle> {
    try {
      return await open(this.path, 'r');
    } catch (err) {
      throw new UsageError(`cannot read ${this.path}: ${(err as Error).message}`);
    }
  }

  private readAhead(handle: FileHandle, turn: number): void {
    const buffer = this.buffers[turn]!;
    this.aheadDone = false;
    this.ahead = handle.read(buffer, 0, buffer.length, null).then(
      ({ bytesRead }) => {
        this.aheadDone = true;
        return bytesRead;
      },
      (err: Error) => {
        this.aheadDone = true;
        throw new UsageError(`cannot read ${this.path}: ${err.message}`);
      },
    );
    this.ahead.catch(() => undefined); // reported when the caller reaches it
  }
}
