// For a read_committed reader: a partition whose position has reached its last stable offset while
// the high watermark is further on waits for an open transaction. When that lasts, say so once,
// naming the producer that holds it (DescribeProducers), and how to look at or end it.
import type { Session } from '../session.js';
import { describeProducers, type ActiveProducer } from './admin.js';

/** Fetch responses report each partition's offsets through this. */
export type OffsetsObserver = (partition: number, position: number, lastStableOffset: number, highWatermark: number) => void;

/** How long a partition must stay held before the notice: a transaction normally ends within moments. */
export const STALL_NOTICE_MS = 3_000;

export function openTransactionNotice(
  session: Pick<Session, 'cluster'>,
  topic: string,
  note: (line: string) => void,
  now: () => number = Date.now,
): OffsetsObserver {
  // Per partition: the last stable offset it is held at and since when. A moving LSO is transactions
  // committing one after another, which a caught-up reader meets all the time: not a stall.
  const held = new Map<number, { lso: number; at: number }>();
  let state: 'watching' | 'asking' | 'told' = 'watching';
  return (partition, position, lso, hw) => {
    if (state !== 'watching') return;
    if (position < lso || lso >= hw) {
      held.delete(partition);
      return;
    }
    const h = held.get(partition);
    if (!h || h.lso !== lso) {
      held.set(partition, { lso, at: now() });
      return;
    }
    if (now() - h.at < STALL_NOTICE_MS) return;
    state = 'asking';
    const holder = describeProducers(session as Session, topic, [partition]).then(
      ([p]) => p?.producers.find((s) => s.currentTxnStartOffset === lso),
      () => undefined,
    );
    void holder.then((producer) => {
      state = 'told';
      note(stallLine(topic, partition, lso, hw, producer));
    });
  };
}

export function stallLine(topic: string, partition: number, lso: number, hw: number, producer?: ActiveProducer): string {
  const who = producer ? `producer ${producer.producerId} (epoch ${producer.producerEpoch})` : 'a producer';
  const next = producer
    ? `see \`kstream transactions describe-producers --topic ${topic} --partition ${partition}\`; to end it: \`kstream transactions abort --topic ${topic} --partition ${partition} --start-offset ${lso}\``
    : `see \`kstream transactions describe-producers --topic ${topic} --partition ${partition}\``;
  return `waiting on an open transaction: partition ${partition} of '${topic}' is held at offset ${lso} (high watermark ${hw}) by ${who}; ${next}`;
}
