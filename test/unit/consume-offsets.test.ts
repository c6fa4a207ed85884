import { describe, expect, it } from 'vitest';
import { parseOffsetSpec, parseTime, parseUntilSpec, startOffsets, stopOffsets } from '../../src/commands/consume/offsets.js';
import { CommitLedger, joinParts } from '../../src/commands/consume/writer.js';

describe('parseOffsetSpec', () => {
  it.each([
    ['earliest', { kind: 'earliest' }],
    ['beginning', { kind: 'earliest' }],
    ['latest', { kind: 'latest' }],
    ['0', { kind: 'absolute', offset: 0 }],
    ['1234', { kind: 'absolute', offset: 1234 }],
    ['-5', { kind: 'last', count: 5 }],
    ['@1700000000000', { kind: 'time', time: 1700000000000 }],
    ['@2023-11-14T22:13:20Z', { kind: 'time', time: 1700000000000 }],
    ['@2023-11-14T22:13:20', { kind: 'time', time: 1700000000000 }],
    ['@2023-11-14T23:13:20+01:00', { kind: 'time', time: 1700000000000 }],
    ['@2023-11-14T22:13:20.5Z', { kind: 'time', time: 1700000000500 }],
    ['@2023-11-14', { kind: 'time', time: Date.UTC(2023, 10, 14) }],
  ])('%s', (text, spec) => expect(parseOffsetSpec(text)).toEqual(spec));

  it.each(['', 'first', '1.5', '--3', '+3', '99999999999999999999'])('rejects offset %j', (text) =>
    expect(() => parseOffsetSpec(text)).toThrow(/--offset .* (is not an offset|is too large)/));

  it.each(['@', '@yesterday', '@2023-13-45T00:00:00Z', '@2023-11-14T25:00', '@12:00'])('rejects time %j', (text) =>
    expect(() => parseOffsetSpec(text)).toThrow(/is not a time/));

  it('reads times relative to now: @-1h, @-30m, @-2d, @-1h30m, @now', () => {
    const now = Date.UTC(2026, 0, 31, 12);
    expect(parseOffsetSpec('@-1h', now)).toEqual({ kind: 'time', time: now - 3_600_000 });
    expect(parseOffsetSpec('@-30m', now)).toEqual({ kind: 'time', time: now - 1_800_000 });
    expect(parseOffsetSpec('@-2d', now)).toEqual({ kind: 'time', time: now - 172_800_000 });
    expect(parseOffsetSpec('@-1h30m', now)).toEqual({ kind: 'time', time: now - 5_400_000 });
    expect(parseOffsetSpec('@-1w', now)).toEqual({ kind: 'time', time: now - 604_800_000 });
    expect(parseOffsetSpec('@-90s', now)).toEqual({ kind: 'time', time: now - 90_000 });
    expect(parseOffsetSpec('@-500ms', now)).toEqual({ kind: 'time', time: now - 500 });
    expect(parseOffsetSpec('@now', now)).toEqual({ kind: 'time', time: now });
  });

  it.each(['@-1', '@-h', '@-1y', '@-1.5h', '@+1h', '@- 1h', '@-1h-2m'])('rejects relative time %j', (text) =>
    expect(() => parseOffsetSpec(text)).toThrow(/is not a time/));

  it('reads a zone-less ISO time as local time, and a date alone as UTC', () => {
    expect(parseTime('2024-01-01T00:00:00')).toBe(new Date(2024, 0, 1).getTime());
    expect(parseTime('2024-01-01')).toBe(Date.UTC(2024, 0, 1));
  });
});

describe('startOffsets', () => {
  const ranges = [
    { partition: 0, low: 0, high: 10 },
    { partition: 1, low: 5, high: 8 },
    { partition: 2, low: 0, high: 0 },
  ];
  const offsets = (spec: Parameters<typeof startOffsets>[0], byTime?: Map<number, number>) =>
    startOffsets(spec, ranges, byTime).map((s) => s.offset);

  it('earliest, latest', () => {
    expect(offsets({ kind: 'earliest' })).toEqual([0, 5, 0]);
    expect(offsets({ kind: 'latest' })).toEqual([10, 8, 0]);
  });
  it('the last N of each partition, never before the first stored', () => expect(offsets({ kind: 'last', count: 4 })).toEqual([6, 5, 0]));
  it('a time: the broker answer, or the end when nothing is that recent', () =>
    expect(offsets({ kind: 'time', time: 1 }, new Map([[0, 3], [1, 8]]))).toEqual([3, 8, 0]));
  it('an absolute offset, moved into range with a note', () => {
    const s = startOffsets({ kind: 'absolute', offset: 7 }, ranges);
    expect(s.map((x) => x.offset)).toEqual([7, 7, 0]);
    expect(s[0]!.clamped).toBeUndefined();
    expect(s[2]!.clamped).toBe('offset 7 is past the end; starting at 0');
    expect(startOffsets({ kind: 'absolute', offset: 2 }, ranges)[1]!.clamped).toBe('offset 2 was deleted; starting at 5');
  });
});

describe('parseUntilSpec and stopOffsets', () => {
  const now = Date.UTC(2026, 0, 31, 12);
  it.each([
    ['end', { kind: 'end' }],
    ['250', { kind: 'offset', offset: 250 }],
    ['@-15m', { kind: 'time', time: now - 900_000 }],
    ['@1700000000000', { kind: 'time', time: 1700000000000 }],
    ['@2023-11-14T22:13:20Z', { kind: 'time', time: 1700000000000 }],
  ])('%s', (text, spec) => expect(parseUntilSpec(text, now)).toEqual(spec));

  it.each(['', '-5', '1700000000000x', '@yesterday', 'e@1000'])('rejects %j', (text) =>
    expect(() => parseUntilSpec(text, now)).toThrow(/--until .* is not an offset, a time or end/));

  const ranges = [
    { partition: 0, low: 0, high: 10 },
    { partition: 1, low: 5, high: 8 },
  ];
  it('never stops past the end at the start', () => {
    expect(stopOffsets({ kind: 'end' }, ranges)).toEqual(new Map([[0, 10], [1, 8]]));
    expect(stopOffsets({ kind: 'offset', offset: 9 }, ranges)).toEqual(new Map([[0, 9], [1, 8]]));
    expect(stopOffsets({ kind: 'time', time: 1 }, ranges, new Map([[0, 4], [1, -1]]))).toEqual(new Map([[0, 4], [1, 8]]));
  });
});

describe('joinParts', () => {
  it('joins text and bytes and records where each record ends', () => {
    const chunk = joinParts(['a', Buffer.from('bc'), '\n', 'é', '\n', '\n'], [3, 5, 6]);
    expect(chunk.bytes.toString()).toBe('abc\né\n\n');
    expect(chunk.ends).toEqual([4, 7, 8]);
  });
  it('handles records that print nothing', () => expect(joinParts(['x'], [0, 1, 1]).ends).toEqual([0, 1, 1]));
});

describe('CommitLedger', () => {
  it('confirms only records whose bytes ended at or before the point', () => {
    const ledger = new CommitLedger();
    ledger.add('t/0', 0, [10, 20, 30], [100, 101, 102]);
    ledger.add('t/1', 30, [5, 15], [7, 8]);
    expect(ledger.confirmed(9)).toEqual(new Map());
    expect(ledger.confirmed(25)).toEqual(new Map([['t/0', 102]]));
    expect(ledger.confirmed(40)).toEqual(new Map([['t/0', 103], ['t/1', 8]]));
    expect(ledger.confirmed(40)).toEqual(new Map());
    expect(ledger.confirmed(1000)).toEqual(new Map([['t/1', 9]]));
  });

  it('confirms a filtered-out record (no bytes) together with the printed record before it', () => {
    const ledger = new CommitLedger();
    // Offsets 5 and 6 were filtered out: they end where offset 4 ended.
    ledger.add('u/0', 100, [0, 8, 8, 8, 16], [3, 4, 5, 6, 7]);
    expect(ledger.confirmed(99)).toEqual(new Map());
    expect(ledger.confirmed(100)).toEqual(new Map([['u/0', 4]]));
    expect(ledger.confirmed(108)).toEqual(new Map([['u/0', 7]]));
    expect(ledger.confirmed(116)).toEqual(new Map([['u/0', 8]]));
  });
});
