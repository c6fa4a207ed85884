import type { Message, RecordMetadata } from '../../kafkajs.js';
import { KstreamError } from '../../errors.js';

/** Where a batch starts in the input, for "first failed: line 12". */
export type Position = () => string;

export interface Batch {
  messages: Message[];
  /** The same messages per partition, in order: see `groupedOnce`. */
  groups: Record<number, Message[]>;
  /** Bytes of keys and values, for the summary. */
  payload: number;
  size: number;
  partitionSizes: Map<number, number>;
  start: Position;
}

export interface BatchLimits {
  records: number;
  bytes: number;
  /** Bytes of one partition's records in one request: the topic's max.message.bytes. */
  partitionBytes: number;
}

export interface SendFailure {
  error: unknown;
  start: Position;
}

/**
 * Sends records in batches, one request at a time, in input order.
 *
 * One at a time because kafkajs serialises an idempotent producer's requests per broker anyway,
 * and because it rolls sequence numbers back when a request fails: a second request queued
 * behind a failed one would take its sequence numbers and be written first, or be dropped by
 * the broker as a duplicate. While a batch is in flight the next one fills from the input.
 */
export class BatchSender {
  private pending: Batch;
  private inFlight: Promise<void> | undefined;
  /** Send the pending batch as soon as the one in flight is acknowledged (the input is idle). */
  private eager = false;
  failure: SendFailure | undefined;
  acked = 0;
  ackedBytes = 0;

  constructor(
    private readonly send: (messages: Message[]) => Promise<RecordMetadata[]>,
    private readonly limits: BatchLimits,
    private readonly onAcked: (batch: Batch, metadata: RecordMetadata[]) => Promise<void> | void,
    private readonly begin: () => Position,
  ) {
    this.pending = this.emptyBatch();
  }

  /** False when `message` does not fit the pending batch: `await next()` first. */
  fits(partition: number, size: number): boolean {
    const b = this.pending;
    if (b.messages.length === 0) return true;
    return b.messages.length < this.limits.records && b.size + size <= this.limits.bytes &&
      (b.partitionSizes.get(partition) ?? 0) + size <= this.limits.partitionBytes;
  }

  add(message: Message & { partition: number }, size: number, payload: number): void {
    const b = this.pending;
    if (b.messages.length === 0) b.start = this.begin();
    b.messages.push(message);
    (b.groups[message.partition] ??= []).push(message);
    b.size += size;
    b.payload += payload;
    b.partitionSizes.set(message.partition, (b.partitionSizes.get(message.partition) ?? 0) + size);
  }

  /** Makes room for more records: waits for the batch in flight, then sends the pending one. */
  async next(): Promise<void> {
    const waiting = this.pending;
    while (this.inFlight) {
      await this.inFlight;
      // Sent eagerly when the previous one was acknowledged: there is room already.
      if (this.pending !== waiting) return;
    }
    if (!this.failure && this.pending.messages.length > 0) this.dispatch();
  }

  /** The input has nothing more for now: do not hold records back waiting for a full batch. */
  kick(): void {
    this.eager = true;
    if (!this.inFlight && !this.failure && this.pending.messages.length > 0) this.dispatch();
  }

  /** Sends what is pending and waits until everything sent is acknowledged or has failed. */
  async drain(): Promise<void> {
    await this.next();
    while (this.inFlight) await this.inFlight;
  }

  private dispatch(): void {
    const batch = this.pending;
    this.pending = this.emptyBatch();
    this.eager = false;
    this.inFlight = this.run(batch);
  }

  private async run(batch: Batch): Promise<void> {
    try {
      const metadata = await this.send(groupedOnce(batch));
      this.acked += batch.messages.length;
      this.ackedBytes += batch.payload;
      await this.onAcked(batch, metadata);
    } catch (error) {
      this.failure ??= { error, start: batch.start };
    }
    this.inFlight = undefined;
    if (this.eager && !this.failure && this.pending.messages.length > 0) this.dispatch();
  }

  private emptyBatch(): Batch {
    return { messages: [], groups: {}, payload: 0, size: 0, partitionSizes: new Map(), start: () => '' };
  }
}

/**
 * The batch's messages, with kafkajs's grouping by partition answered from `batch.groups`.
 *
 * kafkajs 2.2.4 groups a send's messages with `messages.reduce(...)`, copying a partition's
 * array once per message: quadratic, and a quarter of the CPU of a run at a few thousand
 * records per send. Every record here already carries its partition and the groups were built
 * as the batch filled, so the one reduce that asks for them with an empty object gets them;
 * any other reduce call behaves as usual. A unit test checks this against kafkajs's function.
 */
export function groupedOnce(batch: Pick<Batch, 'messages' | 'groups'>): Message[] {
  const messages = batch.messages;
  const reduce = messages.reduce;
  Object.defineProperty(messages, 'reduce', {
    value: function (this: Message[], fn: never, ...init: unknown[]) {
      const seed = init[0];
      const fresh = init.length === 1 && seed !== null && typeof seed === 'object' && Object.getPrototypeOf(seed) === Object.prototype && Object.keys(seed).length === 0;
      return fresh ? Object.assign(seed, batch.groups) : reduce.call(this, fn, ...(init as [never]));
    },
  });
  return messages;
}

/**
 * Sends `messages` and, while time is left, sends again the partitions the answer left out.
 *
 * kafkajs 2.2.4 answers a send for only some partitions after a partition leader moved (a broker
 * died): its retry keeps the answers of the brokers that succeeded in an earlier attempt
 * (`responsePerBroker` in producer/sendMessages.js), so a partition whose new leader is one of
 * them is never sent again, and the send resolves without it. Sending those partitions again is
 * safe: kafkajs rolled their sequence numbers back when the old leader failed, so with the
 * idempotent producer a copy the old leader did write is answered as a duplicate, not written twice.
 */
export async function sendUntilAcknowledged(
  request: (messages: Message[]) => Promise<RecordMetadata[]>,
  messages: Message[],
  deadline: number,
): Promise<RecordMetadata[]> {
  let answered = (await request(messages)).filter((m) => m.errorCode === 0);
  for (;;) {
    const done = new Set(answered.map((m) => m.partition));
    const missing = messages.filter((m) => !done.has(m.partition!));
    if (missing.length === 0 || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 100));
    answered = answered.concat((await request(missing)).filter((m) => m.errorCode === 0));
  }
  checkAcknowledged(messages, answered);
  return answered;
}

/**
 * Throws unless the broker answered for every partition of `messages` without error. kafkajs
 * leaves out of a request, silently, any partition its metadata does not know.
 */
export function checkAcknowledged(messages: Message[], metadata: RecordMetadata[]): void {
  const answered = new Set(metadata.filter((m) => m.errorCode === 0).map((m) => m.partition));
  for (const m of messages) {
    if (!answered.has(m.partition!)) throw new KstreamError(`the broker did not acknowledge partition ${m.partition}`);
  }
}
