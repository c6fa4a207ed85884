import { UsageError } from '../../errors.js';

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
