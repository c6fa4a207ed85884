import { describe, expect, it } from 'vitest';
import { nextSample, trendOf } from '../../src/commands/groups/live.js';
import { formatAge, formatRate, formatTrend, sparkline } from '../../src/commands/groups/live-view.js';
import type { GroupDescription } from '../../src/commands/groups/describe.js';

const described = (committed: number[], logEnd: number[]): GroupDescription => ({
  group: 'g', state: 'Stable', protocolType: 'consumer', protocol: 'range', members: [],
  offsets: committed.map((c, p) => ({ topic: 't', partition: p, committed: c, logEnd: logEnd[p]!, lag: logEnd[p]! - c, memberId: null })),
  totalLag: committed.reduce((n, c, p) => n + logEnd[p]! - c, 0),
});

describe('group samples', () => {
  it('has no rates or trend on the first sample, and the oldest unread age of lagging partitions', () => {
    const s = nextSample(described([5, 10], [8, 10]), 1000, new Map([['t:0', 4000], ['t:1', 9000]]), undefined);
    expect(s).toMatchObject({ totalLag: 3, consumeRate: null, produceRate: null, trend: null, maxAgeMs: 4000, history: [3] });
    // A partition without lag has nothing unread, whatever an age lookup said.
    expect(s.partitions.map((p) => p.ageMs)).toEqual([4000, null]);
  });

  it('derives consume and produce rates and the trend from earlier samples', () => {
    const first = nextSample(described([0, 0], [10, 10]), 0, new Map(), undefined);
    const second = nextSample(described([4, 2], [14, 16]), 2000, new Map(), { sample: first, times: [0] });
    expect(second.consumeRate).toBe(3);
    expect(second.produceRate).toBe(5);
    expect(second).toMatchObject({ totalLag: 24, lagRate: 2, trend: 'rising', history: [20, 24] });
    const third = nextSample(described([14, 16], [14, 16]), 4000, new Map(), { sample: second, times: [0, 2000] });
    expect(third).toMatchObject({ totalLag: 0, trend: 'falling', lagRate: -5, history: [20, 24, 0] });
  });

  it('calls an unchanged lag steady', () => {
    expect(trendOf([7, 7, 7], [0, 1000, 2000])).toEqual({ lagRate: 0, trend: 'steady' });
    expect(trendOf([7], [0])).toEqual({ lagRate: null, trend: null });
  });
});

describe('live view formats', () => {
  it.each([
    [null, '-'], [870, '0.9s'], [42_000, '42s'], [192_000, '3m12s'], [7_500_000, '2h05m'], [2 * 86_400_000 + 3_600_000, '2d01h'],
  ])('age %s is %s', (ms, text) => expect(formatAge(ms)).toBe(text));

  it('formats rates and trends', () => {
    expect(formatRate(null)).toBe('-');
    expect(formatRate(12.34)).toBe('12.3/s');
    expect(formatRate(25_000)).toBe('25.0k/s');
    expect(formatTrend({ trend: 'rising', lagRate: 3 })).toBe('↑ +3.0/s');
    expect(formatTrend({ trend: 'falling', lagRate: -3 })).toBe('↓ -3.0/s');
    expect(formatTrend({ trend: 'steady', lagRate: 0 })).toBe('→ steady');
  });

  it('scales a sparkline to its largest value', () => {
    expect(sparkline([0, 0, 0])).toBe('▁▁▁');
    expect(sparkline([0, 50, 100])).toBe('▁▅█');
  });
});
