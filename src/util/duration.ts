import { UsageError } from '../errors.js';

/** Node's timers hold a signed 32-bit count of milliseconds; a longer one fires at once. */
export const MAX_DURATION_MS = 2 ** 31 - 1;
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `500`, `500ms`, `10s`, `2m`, `1h` into milliseconds; a bare number is milliseconds. */
export function parseDuration(value: string | number, flag: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_DURATION_MS) return value;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(String(value).trim());
  if (!match) throw new UsageError(`${flag} must be a duration such as 500ms, 10s or 2m (got '${value}')`);
  const ms = Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']!);
  if (ms > MAX_DURATION_MS) {
    throw new UsageError(`${flag} ${value} is too long: at most ${MAX_DURATION_MS} ms (about 24 days), the longest wait Node can time`);
  }
  return ms;
}

/** 10000 → "10s", 1500 → "1.5s", 300 → "300ms". */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
}
