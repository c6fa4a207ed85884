// Kafka's error codes by name, from kafkajs's own table (one list for every request kstream sends
// itself), so a raw request reports the same names as the kafkajs ones do.
import type { ItemError } from '../types.js';
import { errorCodes } from '../kafkajs-internal.js';

// Codes newer than kafkajs's table, which the requests kstream sends itself can meet.
const NEWER: Array<[number, string]> = [
  [91, 'RESOURCE_NOT_FOUND'], [92, 'DUPLICATE_RESOURCE'], [93, 'UNACCEPTABLE_CREDENTIAL'], [105, 'TRANSACTIONAL_ID_NOT_FOUND'],
];
let byCode: Map<number, string> | undefined;

/** Kafka's error name for a code (UNKNOWN_TOPIC_OR_PARTITION…); undefined for 0 (no error). */
export function errorName(code: number): string | undefined {
  if (code === 0) return undefined;
  byCode ??= new Map([
    ...NEWER,
    ...errorCodes.map((e) => [e.code, e.type] as [number, string]),
  ]);
  return byCode.get(code) ?? `error code ${code}`;
}

/** A per-item error of a response (code and nullable message); undefined for code 0. */
export function itemError(code: number, message: string | null): ItemError | undefined {
  const name = errorName(code);
  return name === undefined ? undefined : { code: name, message: message ?? name };
}
