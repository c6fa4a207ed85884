// The requests of Kafka's transaction tooling (KIP-664), which kafkajs lacks: ListTransactions (66),
// DescribeTransactions (65) and DescribeProducers (61), flexible-only; and WriteTxnMarkers (27),
// which the coordinator normally sends itself at the end of a transaction and an administrator
// sends to abort one whose coordinator lost track of it (Kafka's Admin.abortTransaction).
import type { RawRequest } from '../protocol/request.js';
import { errorName } from '../protocol/errors.js';

export interface ListedTransaction {
  transactionalId: string;
  producerId: string;
  state: string;
}

export interface ListTransactionsResult {
  error?: string;
  transactions: ListedTransaction[];
}

export function listTransactionsRequest(version: number, filter: { states: string[]; producerIds: string[] }): RawRequest<ListTransactionsResult> {
  return {
    apiKey: 66, apiName: 'ListTransactions', apiVersion: version, flexible: true,
    encode: (w) => {
      w.compactArray(filter.states, (w, s) => w.compactString(s));
      w.compactArray(filter.producerIds, (w, id) => w.int64(BigInt(id)));
      if (version >= 1) w.int64(-1); // DurationFilter: none
      w.tags();
    },
    decode: (r) => {
      r.int32(); // throttle time
      const error = errorName(r.int16());
      r.compactArray((r) => r.compactString()); // unknown state filters
      const transactions = r.compactArray((r) => {
        const t = { transactionalId: r.compactString()!, producerId: String(r.int64()), state: r.compactString()! };
        r.tags();
        return t;
      });
      r.tags();
      return { error, transactions };
    },
  };
}

export interface TransactionDescription {
  error?: string;
  transactionalId: string;
  state: string;
  timeoutMs: number;
  /** Epoch ms; -1 when no transaction is open. */
  startTimeMs: number;
  producerId: string;
  producerEpoch: number;
  partitions: Array<{ topic: string; partition: number }>;
}

export function describeTransactionsRequest(version: number, ids: string[]): RawRequest<TransactionDescription[]> {
  return {
    apiKey: 65, apiName: 'DescribeTransactions', apiVersion: version, flexible: true,
    encode: (w) => {
      w.compactArray(ids, (w, id) => w.compactString(id));
      w.tags();
    },
    decode: (r) => {
      r.int32(); // throttle time
      const states = r.compactArray((r) => {
        const error = errorName(r.int16());
        const transactionalId = r.compactString()!;
        const state = r.compactString()!;
        const timeoutMs = r.int32();
        const startTimeMs = Number(r.int64());
        const producerId = String(r.int64());
        const producerEpoch = r.int16();
        const partitions = r.compactArray((r) => {
          const topic = r.compactString()!;
          const list = r.compactArray((r) => ({ topic, partition: r.int32() }));
          r.tags();
          return list;
        }).flat();
        r.tags();
        return { error, transactionalId, state, timeoutMs, startTimeMs, producerId, producerEpoch, partitions };
      });
      r.tags();
      return states;
    },
  };
}

export interface ActiveProducer {
  producerId: string;
  producerEpoch: number;
  lastSequence: number;
  /** Epoch ms of the producer's last write. */
  lastTimestamp: number;
  /** -1 unless the producer wrote through a transaction coordinator. */
  coordinatorEpoch: number;
  /** First offset of the producer's open transaction on this partition; -1 when none is open. */
  currentTxnStartOffset: number;
}

export interface PartitionProducers {
  topic: string;
  partition: number;
  error?: string;
  errorMessage?: string;
  producers: ActiveProducer[];
}

export function describeProducersRequest(version: number, topic: string, partitions: number[]): RawRequest<PartitionProducers[]> {
  return {
    apiKey: 61, apiName: 'DescribeProducers', apiVersion: version, flexible: true,
    encode: (w) => {
      w.compactArray([topic], (w, t) => w.compactString(t).compactArray(partitions, (w, p) => w.int32(p)).tags());
      w.tags();
    },
    decode: (r) => {
      r.int32(); // throttle time
      const out = r.compactArray((r) => {
        const name = r.compactString()!;
        const parts = r.compactArray((r) => {
          const partition = r.int32();
          const error = errorName(r.int16());
          const errorMessage = r.compactString() ?? undefined;
          const producers = r.compactArray((r) => {
            const p = {
              producerId: String(r.int64()), producerEpoch: r.int32(), lastSequence: r.int32(), lastTimestamp: Number(r.int64()),
              coordinatorEpoch: r.int32(), currentTxnStartOffset: Number(r.int64()),
            };
            r.tags();
            return p;
          });
          r.tags();
          return { topic: name, partition, error, errorMessage, producers };
        });
        r.tags();
        return parts;
      }).flat();
      r.tags();
      return out;
    },
  };
}

export interface AbortMarker {
  producerId: string;
  producerEpoch: number;
  coordinatorEpoch: number;
  topic: string;
  partition: number;
}

/** One abort marker for one partition: what Kafka's Admin.abortTransaction writes. */
export function writeTxnMarkersRequest(version: number, m: AbortMarker): RawRequest<{ error?: string }> {
  return {
    apiKey: 27, apiName: 'WriteTxnMarkers', apiVersion: version, flexible: true,
    encode: (w) => {
      w.compactArray([m], (w, m) => {
        w.int64(BigInt(m.producerId)).int16(m.producerEpoch).bool(false); // false: abort
        w.compactArray([m.topic], (w, t) => w.compactString(t).compactArray([m.partition], (w, p) => w.int32(p)).tags());
        w.int32(m.coordinatorEpoch).tags();
      });
      w.tags();
    },
    decode: (r) => {
      const errors = r.compactArray((r) => {
        r.int64(); // producer id
        const codes = r.compactArray((r) => {
          r.compactString(); // topic
          const parts = r.compactArray((r) => {
            r.int32(); // partition
            const e = errorName(r.int16());
            r.tags();
            return e;
          });
          r.tags();
          return parts;
        }).flat();
        r.tags();
        return codes;
      }).flat();
      r.tags();
      return { error: errors.find((e) => e !== undefined) };
    },
  };
}
