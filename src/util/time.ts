/**
 * A time as kstream reads it (the same rule for every flag that takes a time):
 * - epoch milliseconds;
 * - ISO-8601 as JavaScript reads it: a date alone is midnight UTC, a date and time without a zone
 *   is local time, as in Kafka's own tools, and `Z` or `+02:00` is explicit;
 * - `now`, or a time relative to now: `-1h`, `-30m`, `-2d`, `-1h30m`, `-90s`, `-500ms`, `-1w`
 *   (as rpk and zoe accept them), counted back from `now`.
 * Undefined when `text` is none of these.
 */
export function parseTimestamp(text: string, now: number = Date.now()): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const ms = Number(t);
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  if (t === 'now') return now;
  if (t.startsWith('-')) {
    const ago = parseDuration(t.slice(1));
    return ago === undefined ? undefined : now - ago;
  }
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) return undefined;
  const ms = Date.parse(t.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : ms;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `1h30m`, `2d`, `500ms`: whole numbers with units (w d h m s ms), largest first or in any order. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(ms|s|m|h|d|w))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) total += Number(n) * UNIT_MS[unit!]!;
  return Number.isSafeInteger(total) ? total : undefined;
}
