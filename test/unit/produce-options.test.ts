import { describe, expect, it } from 'vitest';
import { headersFrom, parseProperties, produceOptions, unescape, type ProduceArgs } from '../../src/commands/produce/options.js';
import { splitAttachedValues } from '../../src/cli.js';

const opts = (extra: Partial<ProduceArgs>) => produceOptions({ topic: 't', ...extra });

describe('produce options', () => {
  it('defaults to unkeyed newline-separated text, acks all, no compression', () => {
    expect(opts({})).toMatchObject({
      topic: 't', files: [], input: 'text', key: { kind: 'none' }, headers: {}, delimiter: Buffer.from('\n'),
      stripCr: true, acks: -1, compression: 'none', createTopic: false, json: false, quiet: false,
    });
  });

  it.each<[Partial<ProduceArgs>, string]>([
    [{ keySeparator: ':' }, ':'],
    [{ keySeparator: '\\t' }, '\t'],
    [{ property: ['parse.key=true', 'key.separator=::'] }, '::'],
    [{ property: ['parse.key=true'] }, '\t'],
  ])('takes a key separator from %j', (args, sep) => {
    expect(opts(args).key).toMatchObject({ kind: 'separator', text: sep, separator: Buffer.from(sep), allowMissing: false });
  });

  it('ignores key.separator without parse.key=true, as Kafka does', () =>
    expect(opts({ property: ['key.separator=:', 'parse.key=false'] }).key).toEqual({ kind: 'none' }));

  it('takes one fixed key', () => expect(opts({ key: 'k1' }).key).toEqual({ kind: 'fixed', key: Buffer.from('k1') }));

  it.each<[Partial<ProduceArgs>, RegExp]>([
    [{ keySeparator: ':', key: 'k' }, /only one of --key-separator, --key/],
    [{ keySeparator: ':', property: ['parse.key=true'] }, /only one of/],
    [{ allowMissingKey: true }, /--allow-missing-key needs --key-separator/],
    [{ keySeparator: '' }, /key separator cannot be empty/],
    [{ property: ['ignore.errors=true'] }, /unknown --property 'ignore.errors'/],
    [{ property: ['parse.key'] }, /--property expects key=value/],
    [{ input: 'json', keySeparator: ':' }, /--input json takes keys/],
    [{ input: 'json', nullValue: 'NULL' }, /--null-value applies to text input/],
    [{ partitions: '3' }, /--partitions applies only with --create-topic/],
    [{ partition: '-1' }, /--partition must be a whole number/],
    [{ maxLineBytes: '0' }, /--max-line-bytes must be a whole number/],
    [{ delimiter: '' }, /--delimiter cannot be empty/],
    [{ topic: 'bad topic' }, /not a valid topic name/],
  ])('rejects %j', (args, message) => expect(() => opts(args)).toThrow(message));

  it('maps acks', () => {
    expect(opts({ acks: 'all' }).acks).toBe(-1);
    expect(opts({ acks: '1' }).acks).toBe(1);
    expect(opts({ acks: '0' }).acks).toBe(0);
  });

  it('keeps a trailing \\r only with a custom delimiter', () => {
    expect(opts({ delimiter: ';' })).toMatchObject({ delimiter: Buffer.from(';'), stripCr: false });
    expect(opts({ delimiter: '\\0' }).delimiter).toEqual(Buffer.from([0]));
  });

  it('collects repeated headers in order', () =>
    expect(headersFrom(['a=1', 'b=x=y', 'a=2', 'a=3'])).toEqual({ a: ['1', '2', '3'], b: 'x=y' }));

  it('unescapes separators', () => expect(unescape('a\\tb\\nc\\\\n\\r\\0')).toBe('a\tb\nc\\n\r\0'));

  it('reads parse.key case-insensitively', () => expect(parseProperties(['parse.key=TRUE']).parseKey).toBe(true));
});

describe('attached short flag values', () => {
  it.each<[string[], string[]]>([
    [['produce', 't', '-K:'], ['produce', 't', '-K', ':']],
    [['-K;;', '-D|'], ['-K', ';;', '-D', '|']],
    [['-K', ':'], ['-K', ':']],
    [['-v', '-p3', '-K=:'], ['-v', '-p3', '-K=:']],
    [['--', '-K:'], ['--', '-K:']],
  ])('%j becomes %j', (args, expected) => expect(splitAttachedValues(args)).toEqual(expected));
});
