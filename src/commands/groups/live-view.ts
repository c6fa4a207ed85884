// How samples look: a screen redrawn in place on a terminal, one JSON line per interval otherwise.
import { renderTable } from '../../output.js';
import type { GroupSample, Trend } from './live.js';

const BARS = '▁▂▃▄▅▆▇█';

/** One character per value, scaled to the largest (all zero: the lowest bar). */
export function sparkline(values: number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => BARS[max === 0 ? 0 : Math.min(BARS.length - 1, Math.round((v / max) * (BARS.length - 1)))]).join('');
}

/** 870 → "0.9s", 42_000 → "42s", 192_000 → "3m12s", 7_500_000 → "2h05m", more than a day → "3d04h". */
export function formatAge(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h`;
}

export function formatRate(perSecond: number | null): string {
  if (perSecond === null) return '-';
  const abs = Math.abs(perSecond);
  const text = abs >= 1e6 ? `${(abs / 1e6).toFixed(1)}M` : abs >= 1e4 ? `${(abs / 1e3).toFixed(1)}k` : abs >= 100 ? abs.toFixed(0) : abs.toFixed(1);
  return `${perSecond < 0 ? '-' : ''}${text}/s`;
}

const ARROWS: Record<Trend, string> = { rising: '↑', falling: '↓', steady: '→' };

export function formatTrend(s: Pick<GroupSample, 'trend' | 'lagRate'>): string {
  if (s.trend === null) return '-';
  return s.trend === 'steady' ? `${ARROWS.steady} steady` : `${ARROWS[s.trend]} ${s.lagRate! > 0 ? '+' : ''}${formatRate(s.lagRate)}`;
}

const members = (n: number) => `${n} member${n === 1 ? '' : 's'}`;

/** `groups describe G --watch`: per group, a summary line, the lag sparkline and the partitions. */
export function partitionsScreen(samples: GroupSample[]): string {
  return samples.map((s) => [
    `group ${s.group}: ${s.state}, ${members(s.members)} · lag ${s.totalLag} ${formatTrend(s)} · consume ${formatRate(s.consumeRate)} · produce ${formatRate(s.produceRate)} · oldest unread ${formatAge(s.maxAgeMs)}`,
    `lag ${sparkline(s.history)}`,
    renderTable({
      head: ['TOPIC', 'PARTITION', 'COMMITTED', 'LOG-END', 'LAG', 'OLDEST-UNREAD'],
      rows: s.partitions.map((p) => [p.topic, p.partition, p.committed, p.logEnd, p.lag, formatAge(p.ageMs)]),
    }),
  ].join('\n')).join('\n');
}

/** `kstream top`: one row per group. */
export function groupsScreen(samples: GroupSample[]): string {
  if (samples.length === 0) return 'no consumer groups yet\n';
  return renderTable({
    head: ['GROUP', 'STATE', 'MEMBERS', 'LAG', 'TREND', 'CONSUME', 'PRODUCE', 'OLDEST-UNREAD', 'LAG HISTORY'],
    rows: samples.map((s) => [s.group, s.state, s.members, s.totalLag, formatTrend(s), formatRate(s.consumeRate), formatRate(s.produceRate), formatAge(s.maxAgeMs), sparkline(s.history)]),
  });
}

/** The line a script reads: every figure, numbers as numbers. */
export function jsonLine(time: number, samples: GroupSample[]): string {
  return JSON.stringify({ time: new Date(time).toISOString(), groups: samples }) + '\n';
}

/** Home, the frame, and clear what an earlier, longer frame left below it. */
export function frame(title: string, body: string): string {
  return `\x1b[H${title}\x1b[K\n${body.replace(/\n/g, '\x1b[K\n')}\x1b[J`;
}
