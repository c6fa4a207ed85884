import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `500`, `500ms`, `10s`, `2m`, `1h` into milliseconds; a bare number is milliseconds. */
export function parseDuration(value: string | number, flag: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(String(value).trim());
  if (!match) throw new UsageError(`${flag} must be a duration such as 500ms, 10s or 2m (got '${value}')`);
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']!);
}
