// Wrappers around a record formatter: Kafka's --skip-message-on-error, and kcat's -o e@TS end.
import type { Admin } from '../../kafka/kafkajs.js';
import { KstreamError, ExitCode } from '../../errors.js';
import { DeserializeError } from './deserializers.js';
import type { Part, RecordFormatter } from './format.js';

/**
 * A record a deserializer refuses ends the run (exit 1) through `fail`, which stops the loop, or
 * with `skip` is left out with a warning.
 */
export function guarded(format: RecordFormatter, skip: boolean, warn: (line: string) => void, fail: (err: KstreamError) => void): RecordFormatter {
  let failed = false;
  return (record, parts) => {
    if (failed) return;
    const mine: Part[] = [];
    try {
      format(record, mine);
    } catch (err) {
      if (!(err instanceof DeserializeError)) throw err;
      const where = `partition ${record.partition} offset ${record.offset}`;
      if (skip) return warn(`skipped the record at ${where}: ${err.message}`);
      failed = true;
      return fail(new KstreamError(`cannot decode the record at ${where}: ${err.message}`, {
        exitCode: ExitCode.USAGE,
        hint: 'check --property key.deserializer/value.deserializer, or pass --skip-message-on-error',
      }));
    }
    for (const p of mine) parts.push(p);
  };
}

/**
 * Leaves out records at or after `time`: each partition ends at the offset of its first record at
 * or after it (kcat's -o e@TS). The run stops at the end of every partition (--exit).
 */
export async function untilFilter(admin: Admin, topic: string, time: number, format: RecordFormatter): Promise<RecordFormatter> {
  const ends = new Map<number, number>();
  for (const o of await admin.fetchTopicOffsetsByTimestamp(topic, time)) {
    if (Number(o.offset) >= 0) ends.set(o.partition, Number(o.offset));
  }
  return (record, parts) => {
    const end = ends.get(record.partition);
    if (end !== undefined && Number(record.offset) >= end) return;
    format(record, parts);
  };
}
