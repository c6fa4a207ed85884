import { UsageError } from '../errors.js';

/** Parses repeated `key=value` flags; the first `=` splits, so values may contain `=`. */
export function parseKeyValues(items: string[] | undefined, flag: string): Array<[string, string]> {
  return (items ?? []).map((item) => {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`${flag} expects key=value (got '${item}')`);
    return [item.slice(0, at), item.slice(at + 1)];
  });
}

/** Parses an integer flag with bounds, naming the flag and the bound it broke in the error. */
export function parseInteger(value: unknown, flag: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  const text = String(value).trim();
  const n = Number(text);
  const hasMin = min > Number.MIN_SAFE_INTEGER;
  const hasMax = max < Number.MAX_SAFE_INTEGER;
  if (text === '' || !Number.isInteger(n)) {
    const range = hasMin && hasMax ? ` from ${min} to ${max}` : hasMin ? ` (at least ${min})` : hasMax ? ` (at most ${max})` : '';
    throw new UsageError(`${flag} must be a whole number${range} (got '${value}')`);
  }
  if (n < min) throw new UsageError(`${flag} must be a whole number (at least ${min}) (got '${value}')`);
  if (n > max) throw new UsageError(`${flag} must be at most ${max} (got '${value}')`);
  return n;
}
