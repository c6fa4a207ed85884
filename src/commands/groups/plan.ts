// Pure planning for `groups reset-offsets`: parse the selection and the mode, then compute each
// partition's new offset from what the broker reported. No Kafka calls here, so every rule is unit-tested.
import { UsageError } from '../../errors.js';
import { validateTopicName } from '../../kafka/topic.js';
import { parseInteger } from '../../util/kv.js';
import { parseTimestamp } from '../../util/time.js';

export type ResetMode =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: number }
  | { kind: 'datetime'; timestamp: number }
  | { kind: 'shift'; by: number }
  /** The committed offset as it is (Kafka's --to-current), the log end where there is none. */
  | { kind: 'current' }
  /** Offsets read from Kafka's CSV (--from-file), or another group's (--from-group): by topic, then partition. */
  | { kind: 'given'; offsets: Map<string, Map<number, number>>; source: string };

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
  byDuration?: unknown;
  shiftBy?: unknown;
  toCurrent?: boolean;
  /** The text of a --from-file CSV, already read. */
  fromFile?: { name: string; text: string; group?: string };
  /** The committed offsets of --from-group, already fetched. */
  fromGroup?: { name: string; offsets: Map<string, Map<number, number>> };
}

const MODES_HINT = 'pass one of --to-earliest, --to-latest, --to-offset N, --to-datetime ISO, --by-duration PnDTnHnMnS, --shift-by N, --to-current, --from-file CSV, --from-group G';

export function parseResetMode(flags: ModeFlags, now = Date.now()): ResetMode {
  const given = [
    flags.toEarliest && '--to-earliest',
    flags.toLatest && '--to-latest',
    flags.toOffset !== undefined && '--to-offset',
    flags.toDatetime !== undefined && '--to-datetime',
    flags.byDuration !== undefined && '--by-duration',
    flags.shiftBy !== undefined && '--shift-by',
    flags.toCurrent && '--to-current',
    flags.fromFile !== undefined && '--from-file',
    flags.fromGroup !== undefined && '--from-group',
  ].filter((f): f is string => Boolean(f));
  if (given.length === 0) throw new UsageError('no reset mode given', { hint: MODES_HINT });
  if (given.length > 1) throw new UsageError(`choose one reset mode, not ${given.join(' and ')}`, { hint: MODES_HINT });
  if (flags.toEarliest) return { kind: 'earliest' };
  if (flags.toLatest) return { kind: 'latest' };
  if (flags.toCurrent) return { kind: 'current' };
  if (flags.toOffset !== undefined) return { kind: 'offset', offset: parseInteger(flags.toOffset, '--to-offset', 0) };
  if (flags.toDatetime !== undefined) return { kind: 'datetime', timestamp: parseDatetime(String(flags.toDatetime)) };
  if (flags.byDuration !== undefined) return { kind: 'datetime', timestamp: now - parseIsoDuration(String(flags.byDuration)) };
  if (flags.fromFile) return { kind: 'given', offsets: parseOffsetsCsv(flags.fromFile.text, flags.fromFile.name, flags.fromFile.group), source: flags.fromFile.name };
  if (flags.fromGroup) return { kind: 'given', offsets: flags.fromGroup.offsets, source: `group ${flags.fromGroup.name}` };
  return { kind: 'shift', by: parseInteger(flags.shiftBy, '--shift-by') };
}

/** java.time.Duration.parse's PnDTnHnMn.nS, as Kafka's --by-duration takes it; a duration back from now. */
export function parseIsoDuration(text: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d{1,9})?)S)?)?$/i.exec(text.trim());
  if (!m || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) {
    throw new UsageError(`--by-duration '${text}' is not an ISO-8601 duration`, { hint: 'e.g. PT1H (an hour back), P1DT12H, PT30M, PT0.5S' });
  }
  const [d, h, min, sec] = [m[1], m[2], m[3], m[4]].map((v) => Number((v ?? '0').replace(',', '.')));
  return Math.round((((d! * 24 + h!) * 60 + min!) * 60 + sec!) * 1000);
}

/**
 * Kafka's reset-offsets CSV (what --export prints): `topic,partition,offset` per line, or
 * `group,topic,partition,offset` when it covered several groups (then only the group's lines count
 * and must be filtered by the caller: here the group column is dropped).
 */
export function parseOffsetsCsv(text: string, name: string, group?: string): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const cells = line.split(',');
    if (cells.length === 4 && group !== undefined && cells[0] !== group) return;
    const [topic, partition, offset] = cells.length === 4 ? cells.slice(1) : cells;
    if (cells.length < 3 || cells.length > 4 || !/^\d+$/.test(partition!) || !/^\d+$/.test(offset!)) {
      throw new UsageError(`${name} line ${i + 1} is not topic,partition,offset: '${line}'`, { hint: 'use the CSV that `groups reset-offsets --export` prints' });
    }
    validateTopicName(topic!);
    const byPartition = out.get(topic!) ?? new Map<number, number>();
    byPartition.set(Number(partition), Number(offset));
    out.set(topic!, byPartition);
  });
  if (out.size === 0) throw new UsageError(`${name} has no offsets`, { hint: 'one line per partition: topic,partition,offset' });
  return out;
}

/** Kafka's --export: `topic,partition,new-offset` per line, the input of --from-file. */
export function offsetsCsv(plan: ResetPlan): string {
  return plan.offsets.map((o) => `${o.topic},${o.partition},${o.next}\n`).join('');
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
    case 'current': return state.current ?? state.high;
    case 'given': return mode.offsets.get(state.topic)?.get(state.partition) ?? null;
  }
}

/** New offsets for every partition; out-of-range targets are clamped to [low, high] with a warning. */
export function planReset(states: PartitionState[], mode: ResetMode): ResetPlan {
  const plan: ResetPlan = { offsets: [], warnings: [] };
  for (const s of states) {
    const where = `${s.topic}:${s.partition}`;
    const target = wanted(s, mode);
    if (target === null) {
      plan.warnings.push(mode.kind === 'given' ? `${where}: ${mode.source} has no offset for it; left as it is` : `${where} has no committed offset to shift from; left as it is`);
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
