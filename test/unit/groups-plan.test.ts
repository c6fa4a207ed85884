import { describe, expect, it } from 'vitest';
import {
  mergeSelections, parseDatetime, parseResetMode, parseTopicSpec, planReset, type PartitionState, type ResetMode,
} from '../../src/commands/groups/plan.js';

describe('parseTopicSpec', () => {
  it.each([
    ['orders', { topic: 'orders' }],
    ['orders:0', { topic: 'orders', partitions: [0] }],
    ['orders:2,0,1', { topic: 'orders', partitions: [0, 1, 2] }],
    ['orders:1,1', { topic: 'orders', partitions: [1] }],
    ['a.b_c-1:3', { topic: 'a.b_c-1', partitions: [3] }],
  ])('%s', (spec, expected) => expect(parseTopicSpec(spec)).toEqual(expected));

  it.each([
    ['orders:', /'' is not a partition number/],
    ['orders:a', /'a' is not a partition number/],
    ['orders:1,', /'' is not a partition number/],
    ['orders:-1', /'-1' is not a partition number/],
    ['orders:1.5', /'1.5' is not a partition number/],
    [':0', /is not a valid topic name/],
    ['bad name:0', /is not a valid topic name/],
  ])('rejects %j', (spec, message) => expect(() => parseTopicSpec(spec)).toThrow(message));
});

describe('mergeSelections', () => {
  it('adds up partitions of one topic and lets a bare name mean all', () => {
    expect(mergeSelections([{ topic: 'a', partitions: [1] }, { topic: 'b' }, { topic: 'a', partitions: [0, 1] }]))
      .toEqual([{ topic: 'a', partitions: [0, 1] }, { topic: 'b' }]);
    expect(mergeSelections([{ topic: 'a', partitions: [1] }, { topic: 'a' }])).toEqual([{ topic: 'a', partitions: undefined }]);
  });
});

describe('parseResetMode', () => {
  it.each([
    [{ toEarliest: true }, { kind: 'earliest' }],
    [{ toLatest: true }, { kind: 'latest' }],
    [{ toOffset: '42' }, { kind: 'offset', offset: 42 }],
    [{ shiftBy: '-3' }, { kind: 'shift', by: -3 }],
    [{ shiftBy: '+3' }, { kind: 'shift', by: 3 }],
    [{ toDatetime: '2024-05-01T12:00:00Z' }, { kind: 'datetime', timestamp: Date.UTC(2024, 4, 1, 12) }],
    [{ toEarliest: false, toLatest: true }, { kind: 'latest' }],
  ])('%j', (flags, mode) => expect(parseResetMode(flags)).toEqual(mode));

  it.each([
    [{}, /no reset mode given/],
    [{ toEarliest: false }, /no reset mode given/],
    [{ toEarliest: true, toLatest: true }, /choose one reset mode, not --to-earliest and --to-latest/],
    [{ toOffset: '1', shiftBy: '1' }, /not --to-offset and --shift-by/],
    [{ toOffset: '-1' }, /--to-offset must be a whole number \(at least 0\)/],
    [{ toOffset: 'x' }, /--to-offset must be a whole number/],
    [{ shiftBy: '1.5' }, /--shift-by must be a whole number/],
  ])('rejects %j', (flags, message) => expect(() => parseResetMode(flags)).toThrow(message));
});

describe('parseDatetime', () => {
  it.each([
    ['2024-05-01', Date.UTC(2024, 4, 1)],
    ['2024-05-01T12:30:00Z', Date.UTC(2024, 4, 1, 12, 30)],
    ['2024-05-01T12:30:00.250Z', Date.UTC(2024, 4, 1, 12, 30, 0, 250)],
    ['2024-05-01T12:30:00+02:00', Date.UTC(2024, 4, 1, 10, 30)],
    ['1714560000000', 1714560000000],
  ])('%s', (text, ms) => expect(parseDatetime(text)).toBe(ms));
  it('reads a time without a zone as local time', () =>
    expect(parseDatetime('2024-05-01T12:30:00')).toBe(new Date(2024, 4, 1, 12, 30).getTime()));
  it.each(['yesterday', '-5', '2024-13-01', '2024-05-01T25:00:00Z', ''])('rejects %j', (text) =>
    expect(() => parseDatetime(text)).toThrow(/is not an ISO date-time/));
});

describe('planReset', () => {
  // Partition 0 holds offsets 10..20, the group is at 15; partition 1 is empty at 5; partition 2 has no commit.
  const states: PartitionState[] = [
    { topic: 't', partition: 0, current: 15, low: 10, high: 20, atTimestamp: 12 },
    { topic: 't', partition: 1, current: 5, low: 5, high: 5, atTimestamp: 5 },
    { topic: 't', partition: 2, current: null, low: 0, high: 3 },
  ];
  const next = (mode: ResetMode) => planReset(states, mode).offsets.map((o) => o.next);

  it('--to-earliest and --to-latest use the watermarks', () => {
    expect(next({ kind: 'earliest' })).toEqual([10, 5, 0]);
    expect(next({ kind: 'latest' })).toEqual([20, 5, 3]);
  });

  it('--to-datetime uses the offset found by time, else the log end', () =>
    expect(next({ kind: 'datetime', timestamp: 0 })).toEqual([12, 5, 3]));

  it('--to-offset clamps to [low, high] with one warning per partition', () => {
    const plan = planReset(states, { kind: 'offset', offset: 4 });
    expect(plan.offsets.map((o) => o.next)).toEqual([10, 5, 3]);
    expect(plan.warnings).toEqual([
      't:0: offset 4 is before the earliest offset 10; using 10',
      't:1: offset 4 is before the earliest offset 5; using 5',
      't:2: offset 4 is past the log end offset 3; using 3',
    ]);
  });

  it('keeps in-range targets without warnings, including the bounds themselves', () => {
    const plan = planReset([states[0]!], { kind: 'offset', offset: 20 });
    expect(plan).toEqual({ offsets: [{ topic: 't', partition: 0, current: 15, next: 20 }], warnings: [] });
  });

  it('--shift-by moves from the committed offset and skips partitions without one', () => {
    const plan = planReset(states, { kind: 'shift', by: -3 });
    expect(plan.offsets).toEqual([
      { topic: 't', partition: 0, current: 15, next: 12 },
      { topic: 't', partition: 1, current: 5, next: 5 },
    ]);
    expect(plan.warnings).toEqual([
      't:1: offset 2 is before the earliest offset 5; using 5',
      't:2 has no committed offset to shift from; left as it is',
    ]);
    expect(next({ kind: 'shift', by: 100 })).toEqual([20, 5]);
  });
});

describe('parseDatetime: relative times', () => {
  const now = Date.UTC(2026, 0, 31, 12);
  it.each([
    ['-1h', now - 3_600_000],
    ['-30m', now - 1_800_000],
    ['-2d', now - 172_800_000],
    ['-1d12h', now - 129_600_000],
    ['now', now],
  ])('%s', (text, ms) => expect(parseDatetime(text, now)).toBe(ms));
  it.each(['-1', '-1y', '+1h'])('rejects %j', (text) => expect(() => parseDatetime(text, now)).toThrow(/is not an ISO date-time/));
});
