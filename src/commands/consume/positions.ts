// Where a `consume --group` run is in each partition: the next offset to read, how far it has printed
// or passed, and (with --exit or --until) which partitions reached their end.
import type { FetchedRecord } from '../../kafka/types.js';
import { tpKey, type TopicPartition } from './topics.js';

export class Positions {
  /** The next offset to read in each partition. */
  private readonly next: Map<string, number>;
  /** The next offset after what this run has printed or passed, in each partition it has read. */
  private readonly passed = new Map<string, number>();
  private readonly done = new Set<string>();

  /** `ends` applies only when `exitAtEnd`: each partition stops before its end. */
  constructor(starts: Map<string, number>, private readonly ends: Map<string, number>, readonly exitAtEnd: boolean) {
    this.next = new Map(starts);
  }

  /**
   * Where this run goes on in a partition on a join: the group's committed offset, or this run's own
   * position if it is further (commits trail the output); never behind the committed offset, which
   * another member may have moved on. Undefined when neither is known.
   */
  place(tp: TopicPartition, committed: number | undefined, planned: number | undefined): number | undefined {
    const key = tpKey(tp.topic, tp.partition);
    const own = this.passed.get(key);
    const at = committed === undefined ? (own ?? planned) : Math.max(committed, own ?? committed);
    if (at !== undefined) this.next.set(key, at);
    return at;
  }

  /** Moves a partition on to `next`; true if that made it reach its end (for the first time). */
  advance(tp: TopicPartition, next: number): boolean {
    const key = tpKey(tp.topic, tp.partition);
    if (next > (this.next.get(key) ?? -1)) this.next.set(key, next);
    if (next > (this.passed.get(key) ?? -1)) this.passed.set(key, next);
    return this.exitAtEnd && this.atEnd(tp) && this.markDone(tp);
  }

  atEnd(tp: TopicPartition): boolean {
    const key = tpKey(tp.topic, tp.partition);
    return (this.next.get(key) ?? 0) >= (this.ends.get(key) ?? 0);
  }

  /** Marks a partition done; false if it already was. */
  markDone(tp: TopicPartition): boolean {
    const key = tpKey(tp.topic, tp.partition);
    if (this.done.has(key)) return false;
    this.done.add(key);
    return true;
  }

  allDone(partitions: readonly TopicPartition[]): boolean {
    return partitions.every((tp) => this.done.has(tpKey(tp.topic, tp.partition)));
  }

  /**
   * The records of a batch this run reads: none before its position (already printed, or committed
   * by another member), none past the --exit end. `next` is the position after the batch.
   */
  take(tp: TopicPartition, all: FetchedRecord[], afterBatch: number): { messages: FetchedRecord[]; next: number } {
    const key = tpKey(tp.topic, tp.partition);
    const from = this.next.get(key) ?? 0;
    let first = 0;
    while (first < all.length && Number(all[first]!.offset) < from) first++;
    let end = all.length;
    if (this.exitAtEnd) {
      const stop = this.ends.get(key) ?? 0;
      while (end > first && Number(all[end - 1]!.offset) >= stop) end--;
    }
    const messages = first === 0 && end === all.length ? all : all.slice(first, end);
    return { messages, next: afterBatch };
  }
}
