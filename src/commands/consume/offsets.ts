import type { KafkaAdmin } from '../../kafka/admin/index.js';
import { UsageError } from '../../errors.js';
import { parseTimestamp } from '../../util/time.js';

/** Where to start reading each partition. */
export type OffsetSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'absolute'; offset: number }
  /** The last `count` records of each partition. */
  | { kind: 'last'; count: number }
  /** The first record at or after `time` (ms since the epoch). */
  | { kind: 'time'; time: number };

const TIME_HINT = 'epoch ms, ISO-8601 (@2026-01-31T12:00:00Z) or a time ago (@-1h, @-30m, @-2d)';
const OFFSET_HINT = `use earliest, latest, N, -N (the last N records) or @TIME: ${TIME_HINT}`;
const UNTIL_HINT = `use N (stop before offset N), end (the end at the start) or @TIME: ${TIME_HINT}`;

/** Where each partition stops (exclusive): before an offset, before the first record at or after a time, or at its end at the start. */
export type UntilSpec = { kind: 'offset'; offset: number } | { kind: 'time'; time: number } | { kind: 'end' };

/** Parses `--until N|@TIME|end`. */
export function parseUntilSpec(text: string, now = Date.now()): UntilSpec {
  const t = text.trim();
  if (t === 'end' || t === 'latest') return { kind: 'end' };
  if (/^\d+$/.test(t) && Number.isSafeInteger(Number(t))) return { kind: 'offset', offset: Number(t) };
  if (t.startsWith('@')) {
    const time = parseTimestamp(t.slice(1), now);
    if (time !== undefined) return { kind: 'time', time };
  }
  throw new UsageError(`--until '${text}' is not an offset, a time or end`, { hint: UNTIL_HINT });
}

/** Parses `--offset earliest|latest|N|-N|@TIME`; a relative time (@-1h) counts back from `now`. */
export function parseOffsetSpec(text: string, now = Date.now()): OffsetSpec {
  const t = text.trim();
  if (t === 'earliest' || t === 'beginning') return { kind: 'earliest' };
  if (t === 'latest' || t === 'end') return { kind: 'latest' };
  if (/^\d+$/.test(t)) return { kind: 'absolute', offset: safeInteger(t, text) };
  if (/^-\d+$/.test(t)) return { kind: 'last', count: safeInteger(t.slice(1), text) };
  if (t.startsWith('@')) return { kind: 'time', time: parseTime(t.slice(1), '--offset', now) };
  throw new UsageError(`--offset '${text}' is not an offset`, { hint: OFFSET_HINT });
}

function safeInteger(digits: string, original: string): number {
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) throw new UsageError(`--offset '${original}' is too large`, { hint: OFFSET_HINT });
  return n;
}

/** The time of `--offset @TIME`: see parseTimestamp for the rule. */
export function parseTime(text: string, flag = '--offset', now = Date.now()): number {
  const ms = parseTimestamp(text, now);
  if (ms === undefined) throw new UsageError(`${flag} '${flag === '--offset' ? '@' : ''}${text}' is not a time`, { hint: OFFSET_HINT });
  return ms;
}

export interface PartitionRange {
  partition: number;
  /** First offset still stored. */
  low: number;
  /** Offset the next record will get (the last stable offset for read_committed). */
  high: number;
}

/** The offset each partition stops before: never past its end at the start (an --until run ends there). */
export function stopOffsets(spec: UntilSpec, ranges: PartitionRange[], byTime: Map<number, number> = new Map()): Map<number, number> {
  return new Map(ranges.map(({ partition, high }) => {
    if (spec.kind === 'end') return [partition, high];
    if (spec.kind === 'offset') return [partition, Math.min(high, spec.offset)];
    const at = byTime.get(partition);
    return [partition, at === undefined || at < 0 ? high : Math.min(high, at)];
  }));
}

export interface StartOffset {
  partition: number;
  offset: number;
  /** Set when the requested offset was outside the partition and was moved into it. */
  clamped?: string;
}

/** The offset each partition starts at; `byTime` answers @TIME (KafkaAdmin.offsetsByTime). */
export function startOffsets(spec: OffsetSpec, ranges: PartitionRange[], byTime: Map<number, number> = new Map()): StartOffset[] {
  return ranges.map(({ partition, low, high }) => {
    switch (spec.kind) {
      case 'earliest':
        return { partition, offset: low };
      case 'latest':
        return { partition, offset: high };
      case 'last':
        return { partition, offset: Math.max(low, high - spec.count) };
      case 'time':
        return { partition, offset: Math.max(low, byTime.get(partition) ?? high) };
      case 'absolute':
        if (spec.offset < low) return { partition, offset: low, clamped: `offset ${spec.offset} was deleted; starting at ${low}` };
        if (spec.offset > high) return { partition, offset: high, clamped: `offset ${spec.offset} is past the end; starting at ${high}` };
        return { partition, offset: spec.offset };
    }
  });
}

/** Resolves a spec against the cluster for the given partitions (all of `ranges`). */
export async function resolveStartOffsets(admin: KafkaAdmin, topic: string, spec: OffsetSpec, ranges: PartitionRange[]): Promise<StartOffset[]> {
  const byTime = spec.kind === 'time' ? await admin.offsetsByTime(topic, spec.time) : new Map<number, number>();
  return startOffsets(spec, ranges, byTime);
}
