// Rounds of batches: records are appended to one BatchBuilder per partition; when a batch or
// the round is full (or the input is idle), the round is sealed and sent, one request per
// leader, while the next round fills from the input.
//
// One round in flight at a time keeps every guarantee simple: each partition has at most one
// batch in flight, so its sequence numbers reach the broker in order and a retry can never be
// overtaken; rounds are acknowledged in input order, so `--output json` prints offsets in input
// order and "N of M acknowledged" is exact. Batches of up to a megabyte make the round trip
// small beside the time to fill the next round, and memory stays at two rounds whatever the
// input's length.
import { BatchBuilder } from '../codec/encode.js';
import type { PartitionOutcome } from './producer.js';
import type { PartitionBatch } from './request.js';

/** Where a record is in the input: its number in the run, and its name for messages ("line 12"). */
export interface InputPosition {
  at: number;
  where: () => string;
}

export interface SendLimits {
  /** Bytes of one batch: the topic's max.message.bytes, or less. */
  batchBytes: number;
  /** Bytes of all batches of a round. */
  roundBytes: number;
}

export interface SendFailure {
  error: unknown;
  start: InputPosition;
}

interface Slot {
  builder: BatchBuilder;
  start: InputPosition;
  /** Bytes of keys and values, for the summary. */
  payload: number;
}

/** What a round acknowledged, for printing offsets in input order. */
export interface AckedRound {
  /** The partition of each record of the round, in input order (only when tracking order). */
  order: number[];
  /** Offset of the first record of each acknowledged partition batch (null with acks=0). */
  baseOffsets: Map<number, bigint | null>;
}

/** What sends sealed batches: BatchProducer, or a stand-in in unit tests. */
export interface BatchSink {
  seal(partition: number, builder: BatchBuilder): Promise<PartitionBatch>;
  send(batches: PartitionBatch[]): Promise<PartitionOutcome[]>;
}

class Round {
  readonly slots = new Map<number, Slot>();
  bytes = 0;
  readonly order: number[] = [];
}

export class RecordSender {
  private pending = new Round();
  private inFlight: Promise<void> | undefined;
  /** Send the pending round as soon as the one in flight is acknowledged (the input is idle). */
  private eager = false;
  /** Buffers of acknowledged batches, reused by the next ones: a long run allocates no more. */
  private readonly spare: Buffer[] = [];
  failure: SendFailure | undefined;
  acked = 0;
  ackedBytes = 0;

  constructor(
    private readonly producer: BatchSink,
    private readonly limits: SendLimits,
    /** The position of the record being appended; asked once per batch. */
    private readonly position: () => InputPosition,
    private readonly onAcked?: (round: AckedRound) => Promise<void> | void,
    private readonly trackOrder = false,
  ) {}

  /**
   * Appends one record to its partition's batch; false (nothing appended) when the round is
   * full: `await next()` and append it again. A record always fits an empty round.
   */
  append(
    partition: number, timestamp: number,
    key: Buffer | null, keyStart: number, keyEnd: number,
    value: Buffer | null, valueStart: number, valueEnd: number,
    headers: Buffer, payload: number,
  ): boolean {
    const round = this.pending;
    if (round.bytes >= this.limits.roundBytes) return false;
    let slot = round.slots.get(partition);
    if (!slot) {
      slot = { builder: new BatchBuilder(this.limits.batchBytes, this.spare.pop()), start: this.position(), payload: 0 };
      round.slots.set(partition, slot);
    }
    const before = slot.builder.size;
    if (!slot.builder.append(timestamp, key, keyStart, keyEnd, value, valueStart, valueEnd, headers)) return false;
    round.bytes += slot.builder.size - before;
    slot.payload += payload;
    if (this.trackOrder) round.order.push(partition);
    return true;
  }

  /** Makes room: waits for the round in flight, then sends the pending one. */
  async next(): Promise<void> {
    const waiting = this.pending;
    while (this.inFlight) {
      await this.inFlight;
      // Sent eagerly when the previous one was acknowledged: there is room already.
      if (this.pending !== waiting) return;
    }
    if (!this.failure && this.pending.slots.size > 0) this.dispatch();
  }

  /** The input has nothing more for now: do not hold records back waiting for a full round. */
  kick(): void {
    this.eager = true;
    if (!this.inFlight && !this.failure && this.pending.slots.size > 0) this.dispatch();
  }

  /** Sends what is pending and waits until everything sent is acknowledged or has failed. */
  async drain(): Promise<void> {
    await this.next();
    while (this.inFlight) await this.inFlight;
  }

  private dispatch(): void {
    const round = this.pending;
    this.pending = new Round();
    this.eager = false;
    this.inFlight = this.run(round);
  }

  /** Keeps the round's buffers for the next batches; no more than two rounds' worth. */
  private recycle(round: Round): void {
    for (const slot of round.slots.values()) {
      if (this.spare.length >= 2 * round.slots.size) break;
      this.spare.push(slot.builder.buffer);
    }
  }

  private async run(round: Round): Promise<void> {
    let outcomes: PartitionOutcome[];
    try {
      const batches = [];
      for (const [partition, slot] of round.slots) batches.push(await this.producer.seal(partition, slot.builder));
      outcomes = await this.producer.send(batches);
    } catch (error) {
      outcomes = [...round.slots.keys()].map((partition) => ({ partition, ok: false, error }));
    }
    const baseOffsets = new Map<number, bigint | null>();
    for (const o of outcomes) {
      const slot = round.slots.get(o.partition)!;
      if (o.ok) {
        this.acked += slot.builder.count;
        this.ackedBytes += slot.payload;
        baseOffsets.set(o.partition, o.baseOffset);
      } else if (!this.failure || slot.start.at < this.failure.start.at) {
        // Of the batches that failed in this round, report the one that starts first in the input.
        this.failure = { error: o.error, start: slot.start };
      }
    }
    try {
      await this.onAcked?.({ order: round.order, baseOffsets });
    } catch (error) {
      this.failure ??= { error, start: [...round.slots.values()][0]!.start };
    }
    this.recycle(round);
    this.inFlight = undefined;
    if (this.eager && !this.failure && this.pending.slots.size > 0) this.dispatch();
  }
}
