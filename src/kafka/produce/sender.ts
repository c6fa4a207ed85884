// Rounds of batches: records are appended to one BatchBuilder per partition; when a batch or
// the round is full (or the input is idle), the round is sealed and sent, one request per
// leader, while the next round fills from the input.
//
// Rounds in flight: one, or two where the sink says order survives it (`pipelined`: the
// idempotent producer, whose sequence numbers let the broker refuse a batch that would overtake
// an unwritten one). With one round in flight the producer waits out every round trip; a broker
// on the same machine took as long to acknowledge 2 MiB as kstream took to fill the next round,
// so half the run was spent idle. With two:
// - rounds are sealed in input order (sequence numbers are taken as `seal` is called) and handed
//   to `send` in that order, so each connection carries a partition's batches in order;
// - a round's retries wait until the round before it is done (BatchProducer.send's `after`),
//   so a retry never overtakes an earlier batch, and a round after a failed one is not retried;
// - rounds are acknowledged in input order: each waits for the one before it, so `--output json`
//   prints offsets in input order and "N of M acknowledged" is exact.
// Memory stays at three rounds (two in flight, one filling) whatever the input's length.
import { releaseBuffer } from '../codec/arena.js';
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
  /** Whether a round may be sent before the one before it is acknowledged (see above). */
  readonly pipelined?: boolean;
  seal(partition: number, builder: BatchBuilder): Promise<PartitionBatch>;
  /** `after`: the round before, in flight; true once it was wholly acknowledged. */
  send(batches: PartitionBatch[], after?: Promise<boolean>): Promise<PartitionOutcome[]>;
}

class Round {
  readonly slots = new Map<number, Slot>();
  bytes = 0;
  readonly order: number[] = [];
}

/** A round sent: `handed` once its batches are with the sink, `done` when it is settled (true: all acknowledged). */
interface Flight {
  handed: Promise<void>;
  done: Promise<boolean>;
}

export class RecordSender {
  private pending = new Round();
  /** Rounds sent and not yet settled, oldest first. */
  private readonly flights: Flight[] = [];
  private readonly maxFlights: number;
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
  ) {
    this.maxFlights = producer.pipelined ? 2 : 1;
  }

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
      slot = { builder: new BatchBuilder(this.limits.batchBytes, this.spare.pop(), true), start: this.position(), payload: 0 };
      round.slots.set(partition, slot);
    }
    const before = slot.builder.size;
    if (!slot.builder.append(timestamp, key, keyStart, keyEnd, value, valueStart, valueEnd, headers)) return false;
    round.bytes += slot.builder.size - before;
    slot.payload += payload;
    if (this.trackOrder) round.order.push(partition);
    return true;
  }

  /** Makes room: waits until fewer rounds are in flight than allowed, then sends the pending one. */
  async next(): Promise<void> {
    const waiting = this.pending;
    while (this.flights.length >= this.maxFlights) {
      await this.flights[0]!.done;
      // Sent eagerly when a round was acknowledged: there is room already.
      if (this.pending !== waiting) return;
    }
    if (!this.failure && this.pending.slots.size > 0) this.dispatch();
  }

  /**
   * The input has nothing more for now: do not hold records back waiting for a full round. Sent
   * at once only when nothing is in flight; otherwise when the round in flight is acknowledged,
   * so that an input arriving in small pieces still makes batches of some size.
   */
  kick(): void {
    this.eager = true;
    if (this.flights.length === 0 && !this.failure && this.pending.slots.size > 0) this.dispatch();
  }

  /** Sends what is pending and waits until everything sent is acknowledged or has failed. */
  async drain(): Promise<void> {
    await this.next();
    while (this.flights.length > 0) await this.flights[this.flights.length - 1]!.done;
  }

  private dispatch(): void {
    const round = this.pending;
    this.pending = new Round();
    this.eager = false;
    let handed!: () => void;
    const sent = new Promise<void>((r) => (handed = r));
    const before = this.flights[this.flights.length - 1];
    this.flights.push({ handed: sent, done: this.run(round, before, handed) });
  }

  /**
   * Keeps the round's buffers for the next batches, as many as the rounds in flight and filling
   * take; gives back the rest. Fewer, and a new batch would start small and grow by copying.
   */
  private recycle(round: Round): void {
    for (const slot of round.slots.values()) {
      if (this.spare.length < (this.maxFlights + 1) * round.slots.size) this.spare.push(slot.builder.buffer);
      else releaseBuffer(slot.builder.buffer);
    }
  }

  /** Seals, sends and settles one round, after `before` where that is still in flight; true if all was acknowledged. */
  private async run(round: Round, before: Flight | undefined, handed: () => void): Promise<boolean> {
    let outcomes: PartitionOutcome[];
    try {
      // Every seal is called now, in round order, so sequence numbers follow the input.
      const sealing = Promise.all([...round.slots].map(([partition, slot]) => this.producer.seal(partition, slot.builder)));
      const batches = await sealing;
      await before?.handed;
      const sending = this.producer.send(batches, before?.done);
      handed();
      outcomes = await sending;
    } catch (error) {
      handed();
      outcomes = [...round.slots.keys()].map((partition) => ({ partition, ok: false, error }));
    }
    await before?.done;
    const allOk = this.settle(round, outcomes);
    try {
      await this.onAcked?.({ order: round.order, baseOffsets: this.baseOffsets(outcomes) });
    } catch (error) {
      this.failure ??= { error, start: [...round.slots.values()][0]!.start };
    }
    this.recycle(round);
    this.flights.shift();
    if (this.eager && !this.failure && this.pending.slots.size > 0 && this.flights.length < this.maxFlights) this.dispatch();
    return allOk && !this.failure;
  }

  /** Counts what was acknowledged; of the batches that failed, keeps the one that starts first in the input. */
  private settle(round: Round, outcomes: PartitionOutcome[]): boolean {
    let allOk = true;
    for (const o of outcomes) {
      const slot = round.slots.get(o.partition)!;
      if (o.ok) {
        this.acked += slot.builder.count;
        this.ackedBytes += slot.payload;
      } else {
        allOk = false;
        if (!this.failure || slot.start.at < this.failure.start.at) this.failure = { error: o.error, start: slot.start };
      }
    }
    return allOk;
  }

  private baseOffsets(outcomes: PartitionOutcome[]): Map<number, bigint | null> {
    const offsets = new Map<number, bigint | null>();
    for (const o of outcomes) if (o.ok) offsets.set(o.partition, o.baseOffset);
    return offsets;
  }
}
