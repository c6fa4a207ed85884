// Why a producer asks for a young-generation GC after each round: the data path makes almost
// no JavaScript objects, so V8's scavenger, which frees the request buffers kafkajs allocates
// (two copies of every Produce request), runs rarely; their memory is external to the JS heap
// and V8 only reacts to it after some 64 MB have piled up, which alone would take a run's peak
// RSS past 100 MB. A scavenge of a near-empty young generation takes well under a millisecond,
// once per round of up to 4 MB.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;

let gc: Gc | undefined | null = null;

function load(): Gc | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as Gc;
  } catch {
    return undefined; // not available on this runtime: V8's own heuristics remain
  }
}

/** Frees the buffers of requests already sent, if the runtime allows it. */
export function releaseSentBuffers(): void {
  if (gc === null) gc = load();
  gc?.({ type: 'minor' });
}
