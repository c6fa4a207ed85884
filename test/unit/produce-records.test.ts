import { describe, expect, it } from 'vitest';
import { produceOptions, type ProduceArgs } from '../../src/commands/produce/options.js';
import { recordParser, recordSize } from '../../src/commands/produce/records.js';
import { parseEnvelope } from '../../src/records/envelope.js';

const parser = (args: Partial<ProduceArgs>) => recordParser(produceOptions({ topic: 't', ...args }));
const parse = (args: Partial<ProduceArgs>, line: string) => {
  const r = parser(args)(Buffer.from(line), () => 'line 7');
  return { ...r, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null };
};

describe('text records', () => {
  it('sends the line as the value, with no key', () =>
    expect(parse({}, 'hello:world')).toEqual({ key: null, value: 'hello:world', headers: undefined, partition: undefined }));

  it('splits at the first separator only', () =>
    expect(parse({ keySeparator: ':' }, 'k:v:w')).toMatchObject({ key: 'k', value: 'v:w' }));

  it('allows an empty key and an empty value', () => {
    expect(parse({ keySeparator: ':' }, ':v')).toMatchObject({ key: '', value: 'v' });
    expect(parse({ keySeparator: ':' }, 'k:')).toMatchObject({ key: 'k', value: '' });
  });

  it('names the line without a separator', () => {
    expect(() => parse({ keySeparator: '::' }, 'no separator')).toThrow("line 7 has no key separator '::'");
    expect(() => parse({ keySeparator: '\\t' }, 'x')).toThrow("line 7 has no key separator '\\t'");
  });

  it('sends a line without a separator with a null key when allowed', () =>
    expect(parse({ keySeparator: ':', allowMissingKey: true }, 'just value')).toMatchObject({ key: null, value: 'just value' }));

  it('puts one key, the headers and the partition on every record', () =>
    expect(parse({ key: 'K', header: ['a=1', 'a=2', 'b=x'], partition: '2' }, 'v')).toEqual({
      key: 'K', value: 'v', headers: { a: ['1', '2'], b: 'x' }, partition: 2,
    }));

  it('turns the --null-value marker into a tombstone, and only an exact match', () => {
    expect(parse({ keySeparator: ':', nullValue: 'NULL' }, 'k:NULL')).toMatchObject({ key: 'k', value: null });
    expect(parse({ keySeparator: ':', nullValue: 'NULL' }, 'k:NULLX')).toMatchObject({ value: 'NULLX' });
  });
});

describe('json records', () => {
  it('reads the envelope consume --output json prints', () => {
    const line = '{"topic":"a","partition":1,"offset":5,"timestamp":1700000000000,"key":"k","value":"v","headers":{"h":["1","2"]}}';
    expect(parse({ input: 'json' }, line)).toEqual({
      key: 'k', value: 'v', headers: { h: ['1', '2'] }, partition: 1, timestamp: '1700000000000',
    });
  });

  it('adds --header to each envelope, the envelope winning on a clash', () =>
    expect(parse({ input: 'json', header: ['src=cli', 'h=cli'] }, '{"value":"v","headers":{"h":"line"}}').headers).toEqual({ src: 'cli', h: 'line' }));

  it('sends to --partition unless the envelope names one', () => {
    expect(parse({ input: 'json', partition: '3' }, '{"value":"v"}').partition).toBe(3);
    expect(parse({ input: 'json', partition: '3' }, '{"value":"v","partition":0}').partition).toBe(0);
  });
});

describe('parseEnvelope edge cases produce relies on', () => {
  it.each<[string, object]>([
    ['{"key":null,"value":null}', { key: null, value: null }],
    ['{"value":"v"}', { key: null, value: Buffer.from('v') }],
    ['{}', { key: null, value: null }],
    ['{"key":"","value":""}', { key: Buffer.alloc(0), value: Buffer.alloc(0) }],
    ['{"value":{"a":1}}', { key: null, value: Buffer.from('{"a":1}') }],
    ['{"value":42}', { key: null, value: Buffer.from('42') }],
    ['{"key":"/w==","keyEncoding":"base64","value":"00ff","valueEncoding":"hex"}', { key: Buffer.from([0xff]), value: Buffer.from([0, 0xff]) }],
    ['{"value":"é"}', { key: null, value: Buffer.from('é') }],
    ['{"value":"v","headers":null,"partition":null,"timestamp":null}', { key: null, value: Buffer.from('v') }],
    ['{"value":"v","timestamp":"1700000000000.9"}', { key: null, value: Buffer.from('v'), timestamp: '1700000000000' }],
  ])('%s', (line, expected) => expect(parseEnvelope(line, 'line 1')).toEqual(expected));

  it.each<[string, RegExp]>([
    ['not json', /^line 1 is not valid JSON/],
    ['[1]', /line 1 must be a JSON object/],
    ['null', /line 1 must be a JSON object/],
    ['{"value":"v","valueEncoding":"rot13"}', /valueEncoding must be "base64" or "hex"/],
    ['{"value":"v","partition":-1}', /partition must be a whole number/],
    ['{"value":"v","partition":1.5}', /partition must be a whole number/],
    ['{"value":"v","timestamp":"soon"}', /timestamp must be milliseconds/],
    ['{"value":"v","headers":{"h":1}}', /header 'h' must be a string or an array of strings/],
    ['{"value":"v","headers":["h"]}', /headers must be an object/],
  ])('rejects %s', (line, message) => expect(() => parseEnvelope(line, 'line 1')).toThrow(message));
});

describe('recordSize', () => {
  it('counts key, value, headers and framing', () => {
    const small = recordSize({ key: null, value: Buffer.alloc(10) });
    expect(recordSize({ key: Buffer.alloc(5), value: Buffer.alloc(10) })).toBe(small + 5);
    expect(recordSize({ key: null, value: Buffer.alloc(10), headers: { ab: ['x', 'yz'] } })).toBe(small + 10 + 2 + 1 + 10 + 2 + 2);
    expect(recordSize({ key: null, value: null })).toBe(small - 10);
  });
});

describe("Kafka's LineMessageReader properties", () => {
  const props = (...p: string[]) => ({ property: p });
  it('parse.headers reads headers before the key, with the default separators', () =>
    expect(parse(props('parse.headers=true', 'parse.key=true'), 'h1:v1,h2:v2\tk\tv')).toMatchObject({ key: 'k', value: 'v', headers: { h1: 'v1', h2: 'v2' } }));

  it('takes headers.delimiter, headers.separator and headers.key.separator', () =>
    expect(parse(props('parse.headers=true', 'headers.delimiter=|', 'headers.separator=;', 'headers.key.separator==', 'parse.key=true', 'key.separator=:'), 'a=1;a=2|k:v'))
      .toMatchObject({ key: 'k', value: 'v', headers: { a: ['1', '2'] } }));

  it('null.marker makes a key, value or header value null', () => {
    expect(parse(props('parse.key=true', 'key.separator=:', 'null.marker=NULL'), 'NULL:NULL')).toMatchObject({ key: null, value: null });
    // Kafka would send a null header value; kafkajs cannot encode one.
    expect(() => parse(props('parse.headers=true', 'null.marker=NULL'), 'h:NULL\tv')).toThrow("line 7: header 'h' would have a null value, which kstream cannot send");
    expect(parse(props('null.marker=-'), '-')).toMatchObject({ value: null });
  });

  it('names what is missing, as Kafka does, unless ignore.error=true', () => {
    expect(() => parse(props('parse.headers=true'), 'no tab')).toThrow("line 7 has no headers delimiter '\\t'");
    expect(() => parse(props('parse.headers=true'), 'h\tv')).toThrow("header 'h' has no header key separator ':'");
    expect(parse(props('parse.headers=true', 'ignore.error=true'), 'no tab')).toMatchObject({ value: 'no tab', headers: undefined });
    expect(parse(props('parse.key=true', 'ignore.error=true'), 'no tab')).toMatchObject({ key: null, value: 'no tab' });
  });

  it('refuses a header name equal to the null marker', () =>
    expect(() => parse(props('parse.headers=true', 'null.marker=N'), 'N:1\tv')).toThrow(/header names cannot be null/));
});
