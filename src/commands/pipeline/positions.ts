import type { Drain } from './drain.js';

const key = (topic: string, partition: number) => `${topic}/${partition}`;

/**
 * Where each source partition of a stage is, shared by its workers (and kept across reconnects):
 * the next offset this process committed, the lag behind the high watermark, and the --exit drain.
 *
 * Why the committed map: a consumer that rejoins (rebalance, reconnect) reads committed offsets
 * from the group, which may not yet show a transaction that just committed (the group consumer cannot ask
 * for stable offsets); records below the offset kept here were done already and are skipped.
 */
export class Positions {
  /** The next offset this process committed, per `topic/partition` (the database sink reads it too). */
  readonly committed = new Map<string, bigint>();
  private readonly lag = new Map<string, bigint>();
  private onDrained: () => void = () => undefined;

  /** `drain`: with --exit, the high watermarks at start that the stage stops at. */
  constructor(readonly drain?: Drain) {}

  /** What to do once every partition of an --exit run reached its end (stop this run's workers). */
  onDrain(then: () => void): void {
    this.onDrained = then;
  }

  /** The next offset committed for the partition by this process, if any. */
  next(topic: string, partition: number): bigint | undefined {
    return this.committed.get(key(topic, partition));
  }

  /** The part of a fetched batch not yet committed by this process. */
  pending<T extends { offset: string }>(topic: string, partition: number, messages: T[]): T[] {
    const done = this.committed.get(key(topic, partition));
    // A fetched batch is in offset order: usually its first record is already past what was committed.
    if (done === undefined || messages.length === 0 || BigInt(messages[0]!.offset) >= done) return messages;
    return messages.filter((m) => BigInt(m.offset) >= done);
  }

  /** A micro-batch up to `next` is committed. Returns the stage's total lag. */
  committedUpTo(topic: string, partition: number, next: bigint, highWatermark: bigint): number {
    this.committed.set(key(topic, partition), next);
    this.lag.set(key(topic, partition), highWatermark - next);
    this.advance(topic, partition, next);
    let total = 0n;
    for (const l of this.lag.values()) if (l > 0n) total += l;
    return Number(total);
  }

  /** The partition's position moved to `next` (also past batches with nothing to process). */
  advance(topic: string, partition: number, next: bigint): void {
    if (!this.drain) return;
    this.drain.advance(topic, partition, next);
    if (this.drain.done()) this.onDrained();
  }

  /** Lag is per run of the workers: a new run measures it again. */
  resetLag(): void {
    this.lag.clear();
  }
}
