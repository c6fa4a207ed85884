import { describe, expect, it } from 'vitest';
import { consumeOptionsFrom } from '../../src/commands/consume/index.js';

const defaults = {
  topic: 'orders', fromBeginning: false, exit: false, printKey: false, printPartition: false, printOffset: false,
  printTimestamp: false, printHeaders: false, keySeparator: '\t', output: 'plain' as const, valueEncoding: 'utf8' as const,
  isolationLevel: 'read_committed' as const, quiet: false, kcatJson: false, skipMessageOnError: false,
};

describe('consume options from argv', () => {
  it('maps flags to options', () => {
    const o = consumeOptionsFrom({ ...defaults, fromBeginning: true, partition: ['2', '0'], maxMessages: '5', exit: true, timeoutMs: '1500', isolationLevel: 'read_uncommitted' });
    expect(o).toMatchObject({ topic: 'orders', offset: { kind: 'earliest' }, partitions: [2, 0], maxMessages: 5, exitAtEnd: true, timeoutMs: 1500, readUncommitted: true });
    expect(consumeOptionsFrom({ ...defaults, offset: '-3' }).offset).toEqual({ kind: 'last', count: 3 });
    expect(consumeOptionsFrom(defaults).offset).toBeUndefined();
  });

  it.each([
    [{ fromBeginning: true, offset: '5' }, /either --from-beginning or --offset/],
    [{ group: 'g', partition: ['0'] }, /--partition cannot be combined with --group/],
    [{ output: 'json' as const, format: '%s' }, /--output json prints whole records/],
    [{ output: 'json' as const, printKey: true }, /--output json prints whole records/],
    [{ format: '%s', property: ['print.key=true'] }, /--format already says what to print/],
    [{ property: ['print.key'] }, /--property expects key=value/],
    [{ maxMessages: '0' }, /--max-messages must be a whole number \(at least 1\)/],
    [{ timeoutMs: 'soon' }, /--timeout-ms must be a whole number/],
    [{ topic: 'bad topic' }, /is not a valid topic name/],
  ])('rejects %j', (args, message) => expect(() => consumeOptionsFrom({ ...defaults, ...args })).toThrow(message));
});
