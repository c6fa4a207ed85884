/**
 * Epoch milliseconds, or ISO-8601 as JavaScript reads it (the same rule for every kstream flag that
 * takes a time): a date alone is midnight UTC, a date and time without a zone is local time, as in
 * Kafka's own tools, and `Z` or `+02:00` is explicit. Undefined when `text` is neither.
 */
export function parseTimestamp(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const ms = Number(t);
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) return undefined;
  const ms = Date.parse(t.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : ms;
}
