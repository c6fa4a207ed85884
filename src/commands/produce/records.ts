import { UsageError } from '../../errors.js';
import { parseEnvelope, type Headers } from '../../records/envelope.js';
import type { ProduceOptions } from './options.js';

/** One record as kafkajs takes it, before a partition is chosen. */
export interface OutRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Headers;
  partition?: number;
  timestamp?: string;
}

/** Turns one input record into a Kafka record; `where` names it in errors ("line 12"). */
export type RecordParser = (line: Buffer, where: () => string) => OutRecord;

export function recordParser(opts: Pick<ProduceOptions, 'input' | 'key' | 'headers' | 'partition' | 'nullValue'>): RecordParser {
  const headers = Object.keys(opts.headers).length > 0 ? opts.headers : undefined;
  const partition = opts.partition;
  if (opts.input === 'json') {
    return (line, where) => {
      const e = parseEnvelope(line.toString('utf8'), where());
      return {
        key: e.key,
        value: e.value,
        // Headers from --header go on every record; a line's own header of the same name wins.
        headers: headers || e.headers ? { ...headers, ...e.headers } : undefined,
        partition: e.partition ?? partition,
        timestamp: e.timestamp,
      };
    };
  }
  const nullValue = opts.nullValue;
  const valueOf = (bytes: Buffer) => (nullValue && bytes.equals(nullValue) ? null : bytes);
  const key = opts.key;
  switch (key.kind) {
    case 'none':
      return (line) => ({ key: null, value: valueOf(line), headers, partition });
    case 'fixed':
      return (line) => ({ key: key.key, value: valueOf(line), headers, partition });
    case 'separator': {
      const sep = key.separator;
      return (line, where) => {
        const at = line.indexOf(sep);
        if (at === -1) {
          if (key.allowMissing) return { key: null, value: valueOf(line), headers, partition };
          throw new UsageError(`${where()} has no key separator '${printable(key.text)}'`, {
            hint: 'fix the line, or pass --allow-missing-key to send such lines with a null key',
          });
        }
        return { key: line.subarray(0, at), value: valueOf(line.subarray(at + sep.length)), headers, partition };
      };
    }
  }
}

function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** Bytes a record adds to a batch: its key, value and headers plus Kafka's per-record framing (at most). */
export function recordSize(r: OutRecord): number {
  return 21 + (r.key?.length ?? 0) + (r.value?.length ?? 0) + (r.headers ? headersSize(r.headers) : 0);
}

// Most runs put the same --header object on every record: measure it once.
let lastHeaders: OutRecord['headers'];
let lastHeadersSize = 0;

function headersSize(headers: NonNullable<OutRecord['headers']>): number {
  if (headers === lastHeaders) return lastHeadersSize;
  let size = 0;
  for (const [name, v] of Object.entries(headers)) {
    for (const one of Array.isArray(v) ? v : [v]) size += 10 + Buffer.byteLength(name) + Buffer.byteLength(one);
  }
  lastHeaders = headers;
  lastHeadersSize = size;
  return size;
}
