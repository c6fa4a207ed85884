import { ExitCode, KstreamError } from '../../errors.js';

/**
 * Bytes from the broker that are not a valid record batch: a bad CRC, a record that runs past its
 * batch, a malformed varint. Named with where it was found, so the one-line message says which
 * partition and offset to look at; never silently skipped, since that would lose or invent records.
 */
export class CorruptBatchError extends KstreamError {
  constructor(what: string, where?: string) {
    super(`corrupt record batch${where ? ` in ${where}` : ''}: ${what}`, {
      exitCode: ExitCode.KAFKA,
      hint: 'the broker sent bytes that are not a valid Kafka record batch; re-run with --verbose, and check the producer that wrote it',
    });
    this.name = 'CorruptBatchError';
  }
}
