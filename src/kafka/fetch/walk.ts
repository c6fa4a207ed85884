// The records of one partition's fetched record set that a consumer shows, in order, as the Java
// consumer picks them (its CompletedFetch): records before the fetch position are skipped (a
// compressed batch can start earlier), control batches are never shown, and with read_committed the
// batches of aborted transactions are dropped using the response's aborted-transactions list.
import { BatchReader, ControlType, controlType, RecordCursor, type BatchHeader } from '../codec/decode-batch.js';
import { batchRecords } from '../codec/decompress.js';
import type { AbortedTransaction } from './protocol.js';

/** Called with the cursor on each record to show; returns false to stop the walk there. */
export type OnRecord = (cursor: RecordCursor) => boolean;

export interface WalkResult {
  /** The offset to fetch next: past every batch walked, or just past the record the walk stopped at. */
  position: number;
  /** True when onRecord asked to stop. */
  stopped: boolean;
  /** Size of a batch cut off at the end, if no whole batch fitted before it (ask for more bytes). */
  partialSize: number;
}

export interface WalkOptions {
  partition: number;
  position: number;
  /** Offsets from here on are not shown (exclusive end), e.g. the end of an --exit run. */
  stopAt?: number;
  readCommitted: boolean;
  aborted: AbortedTransaction[];
  /** Names the partition in errors: "topic-3". */
  where: string;
}

/** Where to put a batch's records before walking them (the output buffer, see OutBuffer.stage); by default, nowhere. */
export type Stage = (records: Buffer) => Buffer;

export async function walkRecords(records: Buffer, opts: WalkOptions, cursor: RecordCursor, onRecord: OnRecord, stage?: Stage): Promise<WalkResult> {
  const reader = new BatchReader(records, opts.where);
  const aborted = opts.readCommitted ? [...opts.aborted].sort((a, b) => a.firstOffset - b.firstOffset) : [];
  const abortedProducers = new Set<number>();
  let nextAborted = 0;
  let position = opts.position;
  const stopAt = opts.stopAt ?? Infinity;
  cursor.partition = opts.partition;
  let batches = 0;
  for (let batch = reader.next(); batch && position < stopAt; batch = reader.next()) {
    batches++;
    if (batch.lastOffset < position) continue;
    if (opts.readCommitted) {
      // Every aborted transaction that began at or before this batch may own it.
      while (nextAborted < aborted.length && aborted[nextAborted]!.firstOffset <= batch.lastOffset) {
        abortedProducers.add(aborted[nextAborted++]!.producerId);
      }
    }
    if (batch.isControl) {
      // The abort marker ends that producer's aborted transaction: its later batches are a new one.
      if (opts.readCommitted && (await isAbortMarker(batch, cursor, opts.where))) abortedProducers.delete(batch.producerId);
      position = batch.lastOffset + 1;
      continue;
    }
    if (batch.isTransactional && abortedProducers.has(batch.producerId)) {
      position = batch.lastOffset + 1;
      continue;
    }
    const section = await batchRecords(batch, opts.where);
    cursor.reset(batch, stage ? stage(section) : section, opts.where);
    while (cursor.next()) {
      if (cursor.offset < position) continue;
      if (cursor.offset >= stopAt) return { position: stopAt, stopped: false, partialSize: 0 };
      position = cursor.offset + 1;
      if (!onRecord(cursor)) return { position, stopped: true, partialSize: 0 };
    }
    position = Math.max(position, batch.lastOffset + 1);
  }
  return { position: Math.min(position, stopAt), stopped: false, partialSize: batches === 0 ? reader.partialSize : 0 };
}

async function isAbortMarker(batch: BatchHeader, cursor: RecordCursor, where: string): Promise<boolean> {
  cursor.reset(batch, await batchRecords(batch, where), where);
  return cursor.next() && controlType(cursor) === ControlType.abort;
}

/** The offset after the last whole batch of a record set: where the next fetch goes if all is shown. */
export function endOfBatches(records: Buffer, position: number, where: string): number {
  const reader = new BatchReader(records, where);
  let end = position;
  for (let batch = reader.next(); batch; batch = reader.next()) end = Math.max(end, batch.lastOffset + 1);
  return end;
}
