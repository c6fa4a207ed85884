// A wrapper around a record formatter: Kafka's --skip-message-on-error.
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
