// Frees the Buffers of walked Fetch responses while they are young, instead of when V8 gets to them.
//
// Every response arrives in fresh Buffers: kafkajs keeps the socket's chunks, then concatenates them
// into one, and compressed batches inflate into more. Dead, they are ArrayBuffers that V8 collects
// only once 32 MB of them are young, or 64 MB of external memory grew since the last full collection:
// read at 100 MB/s, that backlog was most of what `consume` held beyond start-up. A scavenge each
// time another MiB of response data has died takes about a millisecond (the fetch loop keeps few
// young objects alive) and keeps the backlog near one response.
//
// Each response then survives exactly one scavenge (the one when it arrives), which V8's
// allocation-site pretenuring reads as "these Buffers live long": it would soon allocate them in the
// old generation, where only a full collection frees them, and the backlog would be back (at 10M
// records). So pretenuring is turned off along with the first scavenge.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const EVERY_BYTES = 1 << 20;

let dead = 0;
let scavenge: (() => void) | undefined;

/** Counts bytes of response data (records, inflated batches) that die once their walk is over. */
export function noteGarbage(bytes: number): void {
  dead += bytes;
}

/** Scavenges if a MiB of noted data died since the last time; call it where nothing walked is referenced any more. */
export function collectGarbage(): void {
  if (dead < EVERY_BYTES) return;
  dead = 0;
  (scavenge ??= minorGc())();
}

function minorGc(): () => void {
  try {
    // V8 puts gc() into contexts created while --expose-gc is on; the main context does not change,
    // and the flag goes off again so that no later context (a --filter's) finds a gc global.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as ((opts: { type: 'minor' }) => void) | undefined;
    setFlagsFromString('--no-expose-gc');
    setFlagsFromString('--no-allocation-site-pretenuring');
    return typeof gc === 'function' ? () => gc({ type: 'minor' }) : () => undefined;
  } catch {
    return () => undefined;
  }
}
