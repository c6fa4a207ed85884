// Pure planning for `groups reset-offsets`: parse the selection and the mode, then compute each
// partition's new offset from what the broker reported. No Kafka calls here, so every rule is unit-tested.
import { UsageError } from '../../errors.js';
import { validateTopicName } from '../../topic.js';
import { parseInteger } from '../../util/kv.js';
import { parseTimestamp } from '../../util/time.js';

export type ResetMode =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: number }
  | { kind: 'datetime'; timestamp: number }
  | { kind: 'shift'; by: number };

/** One `--topic T[:P,P…]`; no partitions means all of them. */
export interface TopicSelection {
  topic: string;
  partitions?: number[];
}

/** What the broker says about one partition, gathered before planning. */
export interface PartitionState {
  topic: string;
  partition: number;
  /** The group's committed offset, or null when it has none. */
  current: number | null;
  low: number;
  high: number;
  /** The first offset at or after --to-datetime (the log end when none is). */
  atTimestamp?: number;
}

export interface PlannedOffset {
  topic: string;
  partition: number;
  current: number | null;
  next: number;
}

export interface ResetPlan {
  offsets: PlannedOffset[];
  /** One line per partition clamped or skipped, as Kafka's tool warns. */
  warnings: string[];
}

const TOPIC_SPEC_HINT = 'use --topic NAME or --topic NAME:0,1,2';

export function parseTopicSpec(spec: string): TopicSelection {
  const colon = spec.lastIndexOf(':');
  if (colon === -1) return { topic: validateTopicName(spec) };
  const topic = validateTopicName(spec.slice(0, colon));
  const list = spec.slice(colon + 1);
  const partitions = list.split(',').map((p) => {
    if (!/^\d+$/.test(p.trim())) throw new UsageError(`--topic '${spec}': '${p}' is not a partition number`, { hint: TOPIC_SPEC_HINT });
    return Number(p.trim());
  });
  return { topic, partitions: [...new Set(partitions)].sort((a, b) => a - b) };
}

/** Several --topic flags for one topic add up; a bare topic name means every partition. */
export function mergeSelections(selections: TopicSelection[]): TopicSelection[] {
  const byTopic = new Map<string, TopicSelection>();
  for (const s of selections) {
    const seen = byTopic.get(s.topic);
    if (!seen) byTopic.set(s.topic, { ...s });
    else if (!seen.partitions || !s.partitions) seen.partitions = undefined;
    else seen.partitions = [...new Set([...seen.partitions, ...s.partitions])].sort((a, b) => a - b);
  }
  return [...byTopic.values()];
}

export interface ModeFlags {
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: unknown;
  toDatetime?: unknown;
  shiftBy?: unknown;
}

const MODES_HINT = 'pass one of --to-earliest, --to-latest, --to-offset N, --to-datetime ISO, --shift-by N';

export function parseResetMode(flags: ModeFlags): ResetMode {
  const given = [
    flags.toEarliest && '--to-earliest',
    flags.toLatest && '--to-latest',
    flags.toOffset !== undefined && '--to-offset',
    flags.toDatetime !== undefined && '--to-datetime',
    flags.shiftBy !== undefined && '--shift-by',
  ].filter((f): f is string => Boolean(f));
  if (given.length === 0) throw new UsageError('no reset mode given', { hint: MODES_HINT });
  if (given.length > 1) throw new UsageError(`choose one reset mode, not ${given.join(' and ')}`, { hint: MODES_HINT });
  if (flags.toEarliest) return { kind: 'earliest' };
  if (flags.toLatest) return { kind: 'latest' };
  if (flags.toOffset !== undefined) return { kind: 'offset', offset: parseInteger(flags.toOffset, '--to-offset', 0) };
  if (flags.toDatetime !== undefined) return { kind: 'datetime', timestamp: parseDatetime(String(flags.toDatetime)) };
  return { kind: 'shift', by: parseInteger(flags.shiftBy, '--shift-by') };
}

/** The time of `--to-datetime`: see parseTimestamp for the rule. */
export function parseDatetime(text: string): number {
  const ms = parseTimestamp(text);
  if (ms === undefined) {
    throw new UsageError(`--to-datetime '${text}' is not an ISO date-time`, { hint: 'e.g. 2024-05-01T12:00:00Z, 2024-05-01, or epoch milliseconds' });
  }
  return ms;
}

function wanted(state: PartitionState, mode: ResetMode): number | null {
  switch (mode.kind) {
    case 'earliest': return state.low;
    case 'latest': return state.high;
    case 'offset': return mode.offset;
    case 'datetime': return state.atTimestamp ?? state.high;
    case 'shift': return state.current === null ? null : state.current + mode.by;
  }
}

/** New offsets for every partition; out-of-range targets are clamped to [low, high] with a warning. */
export function planReset(states: PartitionState[], mode: ResetMode): ResetPlan {
  const plan: ResetPlan = { offsets: [], warnings: [] };
  for (const s of states) {
    const where = `${s.topic}:${s.partition}`;
    const target = wanted(s, mode);
    if (target === null) {
      plan.warnings.push(`${where} has no committed offset to shift from; left as it is`);
      continue;
    }
    let next = target;
    if (target < s.low) {
      next = s.low;
      plan.warnings.push(`${where}: offset ${target} is before the earliest offset ${s.low}; using ${s.low}`);
    } else if (target > s.high) {
      next = s.high;
      plan.warnings.push(`${where}: offset ${target} is past the log end offset ${s.high}; using ${s.high}`);
    }
    plan.offsets.push({ topic: s.topic, partition: s.partition, current: s.current, next });
  }
  return plan;
}
