import { describe, expect, it } from 'vitest';
import { parseOffsetSpec, parseTime, startOffsets } from '../../src/commands/consume/offsets.js';
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
    ledger.add(0, 0, [10, 20, 30], [100, 101, 102]);
    ledger.add(1, 30, [5, 15], [7, 8]);
    expect(ledger.confirmed(9)).toEqual(new Map());
    expect(ledger.confirmed(25)).toEqual(new Map([[0, 102]]));
    expect(ledger.confirmed(40)).toEqual(new Map([[0, 103], [1, 8]]));
    expect(ledger.confirmed(40)).toEqual(new Map());
    expect(ledger.confirmed(1000)).toEqual(new Map([[1, 9]]));
  });
});
