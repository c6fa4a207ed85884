// Samples of consumer groups over time, for `groups describe --watch` and `kstream top`: lag from
// describeConsumerGroup, rates and trend from the sample before, and the age of the oldest unread
// record from its timestamp.
import type { KafkaAdmin } from '../../kafka/admin/index.js';
import type { RecordTimes } from '../../kafka/record-time.js';
import { describeConsumerGroup, type GroupDescription } from './describe.js';

export interface PartitionSample {
  topic: string;
  partition: number;
  committed: number | null;
  logEnd: number | null;
  lag: number | null;
  /** How old the oldest unread record is (now - its timestamp), ms; null when nothing is unread. */
  ageMs: number | null;
}

export type Trend = 'rising' | 'falling' | 'steady';

export interface GroupSample {
  group: string;
  /** When the sample was taken (ms since the epoch). */
  time: number;
  state: string;
  members: number;
  totalLag: number;
  /** Records per second committed by the group / written to its topics since the last sample; null on the first. */
  consumeRate: number | null;
  produceRate: number | null;
  /** The oldest unread record of any partition, ms. */
  maxAgeMs: number | null;
  /** Change of the total lag per second over the samples kept, and its direction. */
  lagRate: number | null;
  trend: Trend | null;
  /** Total lag of the last samples, oldest first (the sparkline). */
  history: number[];
  partitions: PartitionSample[];
}

const HISTORY = 30;
/** The trend is the change over the last few samples: recent enough to show a turn. */
const TREND_SAMPLES = 5;

const sum = (ps: PartitionSample[], f: (p: PartitionSample) => number | null) => ps.reduce((n, p) => n + (f(p) ?? 0), 0);

/** Offsets per second from `before` to `after` over the partitions both have. */
function rate(before: PartitionSample[], after: PartitionSample[], f: (p: PartitionSample) => number | null, seconds: number): number | null {
  if (seconds <= 0) return null;
  const old = new Map(before.map((p) => [`${p.topic}:${p.partition}`, f(p)]));
  let delta = 0;
  for (const p of after) {
    const was = old.get(`${p.topic}:${p.partition}`);
    const now = f(p);
    if (was !== undefined && was !== null && now !== null) delta += Math.max(0, now - was);
  }
  return delta / seconds;
}

/** Lag change per second between the first and last of (lag, time) samples. */
export function trendOf(lags: number[], times: number[]): { lagRate: number | null; trend: Trend | null } {
  const seconds = (times.at(-1)! - times[0]!) / 1000;
  if (lags.length < 2 || !(seconds > 0)) return { lagRate: null, trend: null };
  const lagRate = (lags.at(-1)! - lags[0]!) / seconds;
  return { lagRate, trend: lagRate > 0 ? 'rising' : lagRate < 0 ? 'falling' : 'steady' };
}

/** What one sample adds to the previous one: rates, trend and history (pure, so it is unit-tested). */
export function nextSample(
  d: GroupDescription, time: number, ages: Map<string, number>, prev: { sample: GroupSample; times: number[] } | undefined,
): GroupSample {
  const partitions: PartitionSample[] = d.offsets.map((o) => ({
    topic: o.topic, partition: o.partition, committed: o.committed, logEnd: o.logEnd, lag: o.lag,
    ageMs: o.lag ? ages.get(`${o.topic}:${o.partition}`) ?? null : null,
  }));
  const seconds = prev ? (time - prev.sample.time) / 1000 : 0;
  const history = [...(prev?.sample.history ?? []), d.totalLag].slice(-HISTORY);
  const times = [...(prev?.times ?? []), time].slice(-HISTORY);
  const agesList = partitions.map((p) => p.ageMs).filter((a): a is number => a !== null);
  return {
    group: d.group, time, state: d.state, members: d.members.length, totalLag: d.totalLag,
    consumeRate: prev ? rate(prev.sample.partitions, partitions, (p) => p.committed, seconds) : null,
    produceRate: prev ? rate(prev.sample.partitions, partitions, (p) => p.logEnd, seconds) : null,
    maxAgeMs: agesList.length ? Math.max(...agesList) : null,
    ...trendOf(history.slice(-TREND_SAMPLES), times.slice(-TREND_SAMPLES)),
    history, partitions,
  };
}

/** Keeps each group's previous samples between refreshes. */
export class GroupSampler {
  private readonly last = new Map<string, { sample: GroupSample; times: number[] }>();

  constructor(private readonly times: RecordTimes) {}

  async sample(admin: KafkaAdmin, group: string, timeoutMs: number): Promise<GroupSample> {
    const d = await describeConsumerGroup(admin, group);
    const time = Date.now();
    const ages = await this.ages(d, time, timeoutMs);
    const kept = this.last.get(group);
    const s = nextSample(d, time, ages, kept);
    this.last.set(group, { sample: s, times: [...(kept?.times ?? []), time].slice(-HISTORY) });
    return s;
  }

  /** now - timestamp of the record at each lagging partition's position. */
  private async ages(d: GroupDescription, now: number, timeoutMs: number): Promise<Map<string, number>> {
    const ages = new Map<string, number>();
    const byTopic = new Map<string, Array<{ partition: number; offset: number; end: number }>>();
    for (const o of d.offsets) {
      if (!o.lag || o.logEnd === null) continue;
      const list = byTopic.get(o.topic) ?? [];
      list.push({ partition: o.partition, offset: o.logEnd - o.lag, end: o.logEnd });
      byTopic.set(o.topic, list);
    }
    for (const [topic, unread] of byTopic) {
      for (const [partition, ts] of await this.times.firstTimes(topic, unread, timeoutMs)) ages.set(`${topic}:${partition}`, Math.max(0, now - ts));
    }
    return ages;
  }
}
