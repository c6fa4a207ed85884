import { describe, expect, it } from 'vitest';
import { consumeSettingsFrom, type ConsumeArgs } from '../../src/commands/consume/index.js';
import { RecordSelector } from '../../src/commands/consume/select.js';

const defaults: ConsumeArgs = {
  topics: ['orders'], fromBeginning: false, exit: false, printKey: false, printPartition: false, printOffset: false,
  printTimestamp: false, printHeaders: false, keySeparator: '\t', output: 'plain' as const, valueEncoding: 'utf8' as const,
  isolationLevel: 'read_committed' as const, quiet: false, kcatJson: false, skipMessageOnError: false, allPartitions: false,
};
const NOW = Date.UTC(2026, 0, 31, 12);
const settings = (args: Partial<ConsumeArgs>) => consumeSettingsFrom({ ...defaults, ...args }, NOW);

describe('consume settings from argv', () => {
  it('maps flags to settings', () => {
    const o = settings({ fromBeginning: true, partition: ['2', '0'], maxMessages: '5', exit: true, timeoutMs: '1500', isolationLevel: 'read_uncommitted' });
    expect(o).toMatchObject({ selection: { names: ['orders'] }, offset: { kind: 'earliest' }, partitions: [2, 0], maxMessages: 5, exitAtEnd: true, timeoutMs: 1500, readUncommitted: true });
    expect(settings({ offset: '-3' }).offset).toEqual({ kind: 'last', count: 3 });
    expect(settings({}).offset).toBeUndefined();
  });

  it('reads relative times against now, and --until as offset, time or end (implying --exit)', () => {
    expect(settings({ offset: '@-1h' }).offset).toEqual({ kind: 'time', time: NOW - 3_600_000 });
    expect(settings({ offset: '@-2d' }).offset).toEqual({ kind: 'time', time: NOW - 2 * 86_400_000 });
    const w = settings({ offset: '@-1h', until: '@-30m' });
    expect(w.until).toEqual({ kind: 'time', time: NOW - 1_800_000 });
    expect(w.exitAtEnd).toBe(true);
    expect(settings({ until: '200' }).until).toEqual({ kind: 'offset', offset: 200 });
    expect(settings({ until: 'end' }).until).toEqual({ kind: 'end' });
    expect(settings({ until: '@2026-01-31T11:00:00Z' }).until).toEqual({ kind: 'time', time: NOW - 3_600_000 });
  });

  it('several topics and --include print the topic first; --print-topic decides when given', () => {
    const flags = (args: Partial<ConsumeArgs>) => {
      const out = settings(args).output;
      return out.kind === 'flags' ? out.flags.topic : undefined;
    };
    expect(flags({})).toBe(false);
    expect(flags({ topics: ['a', 'b'] })).toBe(true);
    expect(flags({ topics: [], include: 'a.*' })).toBe(true);
    expect(flags({ topics: ['a', 'b'], printTopic: false })).toBe(false);
    expect(flags({ printTopic: true })).toBe(true);
    expect(settings({ topics: [], include: 'orders-.*' }).selection.include!.test('orders-eu')).toBe(true);
    expect(settings({ topics: [], include: 'orders-.*' }).selection.include!.test('my-orders-eu')).toBe(false);
  });

  it('--key starts at the beginning unless told otherwise, and selects by the key bytes', () => {
    const k = settings({ key: 'user-42' });
    expect(k.offset).toEqual({ kind: 'earliest' });
    expect(k.key).toEqual(Buffer.from('user-42'));
    expect(k.select.key).toEqual(Buffer.from('user-42'));
    expect(settings({ key: 'k', offset: '@-1h' }).offset).toEqual({ kind: 'time', time: NOW - 3_600_000 });
  });

  it('compiles --grep, --grep-key and --grep-header', () => {
    const s = settings({ grep: '/TIMEOUT/i', grepKey: '^user-', grepHeader: ['source=bill', 'trace=.'] }).select;
    expect(s.grep!.test('a timeout')).toBe(true);
    expect(s.grepKey!.test('user-1')).toBe(true);
    expect(s.grepHeaders.map((h) => [h.name, h.pattern.source])).toEqual([['source', 'bill'], ['trace', '.']]);
  });

  it.each([
    [{ fromBeginning: true, offset: '5' }, /either --from-beginning or --offset/],
    [{ group: 'g', partition: ['0'] }, /--partition cannot be combined with --group/],
    [{ group: 'g', key: 'k' }, /--key cannot be combined with --group/],
    [{ allPartitions: true }, /--all-partitions goes with --key/],
    [{ output: 'json' as const, format: '%s' }, /--output json prints whole records/],
    [{ output: 'json' as const, printKey: true }, /--output json prints whole records/],
    [{ format: '%s', property: ['print.key=true'] }, /--format already says what to print/],
    [{ format: '%s', printTopic: true }, /--format already says what to print/],
    [{ property: ['print.key'] }, /--property expects key=value/],
    [{ maxMessages: '0' }, /--max-messages must be a whole number \(at least 1\)/],
    [{ timeoutMs: 'soon' }, /--timeout-ms must be a whole number/],
    [{ topics: ['bad topic'] }, /is not a valid topic name/],
    [{ topics: [] }, /name a topic to read, or pass --include REGEX/],
    [{ include: '(' }, /--include '\(' is not a regular expression/],
    [{ until: 'soon' }, /--until 'soon' is not an offset, a time or end/],
    [{ until: '@-1x' }, /--until '@-1x' is not an offset, a time or end/],
    [{ offset: '@-1' }, /--offset '@-1' is not a time/],
    [{ grep: '[' }, /--grep '\[' is not a regular expression/],
    [{ grepHeader: ['nope'] }, /--grep-header 'nope' is not NAME=REGEX/],
    [{ filter: ['r.value ==='] }, /--filter 'r.value ===' is not a JavaScript expression/],
  ])('rejects %j', (args, message) => expect(() => {
    const s = settings(args);
    // --filter compiles when the selector is made, before anything connects.
    if (s.select.filters.length) new RecordSelector(s.select);
  }).toThrow(message));
});
