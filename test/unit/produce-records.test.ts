import { describe, expect, it } from 'vitest';
import { produceOptions, type ProduceArgs } from '../../src/commands/produce/options.js';
import { headerBlock, ParsedRecord, recordParser, recordSize } from '../../src/commands/produce/records.js';
import { parseEnvelope } from '../../src/records/envelope.js';

const parser = (args: Partial<ProduceArgs>) => recordParser(produceOptions({ topic: 't', ...args }));

/** Decodes a header block back into names and values (test-only reader of the varint layout). */
function readHeaders(block: Buffer): Record<string, string | string[]> | undefined {
  let pos = 0;
  const varint = () => {
    let z = 0;
    let shift = 0;
    for (;;) {
      const b = block[pos++]!;
      z += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
      shift += 7;
    }
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  };
  const text = () => {
    const n = varint();
    const s = block.toString('utf8', pos, pos + n);
    pos += n;
    return s;
  };
  const count = varint();
  if (count === 0) return undefined;
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < count; i++) {
    const name = text();
    const value = text();
    const prev = out[name];
    out[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
  return out;
}

/** Parses `line` from inside a bigger buffer, as records come, into the shape the cases compare. */
const parse = (args: Partial<ProduceArgs>, line: string) => {
  const data = Buffer.from(`<<${line}>>`);
  const r = new ParsedRecord();
  parser(args)(data, 2, data.length - 2, () => 'line 7', r);
  const out: Record<string, unknown> = {
    key: r.key?.toString('utf8', r.keyStart, r.keyEnd) ?? null,
    value: r.value?.toString('utf8', r.valueStart, r.valueEnd) ?? null,
    headers: readHeaders(r.headers),
    partition: r.partition < 0 ? undefined : r.partition,
  };
  if (r.timestamp >= 0) out.timestamp = String(r.timestamp);
  return out;
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
    ['{"value":"v","timestamp":"1700000000000"}', { key: null, value: Buffer.from('v'), timestamp: '1700000000000' }],
  ])('%s', (line, expected) => expect(parseEnvelope(line, 'line 1')).toEqual(expected));

  it.each<[string, RegExp]>([
    ['not json', /^line 1 is not valid JSON/],
    ['[1]', /line 1 must be a JSON object/],
    ['null', /line 1 must be a JSON object/],
    ['{"value":"v","valueEncoding":"rot13"}', /valueEncoding must be "base64" or "hex"/],
    ['{"value":"v","partition":-1}', /partition must be a whole number/],
    ['{"value":"v","partition":1.5}', /partition must be a whole number/],
    ['{"value":"v","timestamp":"soon"}', /timestamp must be a whole number of milliseconds/],
    ['{"value":"v","timestamp":"1700000000000.9"}', /timestamp must be a whole number of milliseconds/],
    ['{"value":"v","headers":{"h":1}}', /header 'h' must be a string or an array of strings/],
    ['{"value":"v","headers":["h"]}', /headers as an array must be \[name, value/],
    ['{"value":"v","headers":5}', /headers must be an object/],
  ])('rejects %s', (line, message) => expect(() => parseEnvelope(line, 'line 1')).toThrow(message));
});

describe('recordSize', () => {
  it('counts key, value, header block and framing', () => {
    const small = recordSize(0, 10, 1);
    expect(recordSize(5, 10, 1)).toBe(small + 5);
    // count, then per header: name length, name, value length, value.
    const block = headerBlock({ ab: ['x', 'yz'] });
    expect(block.length).toBe(1 + (1 + 2 + 1 + 1) + (1 + 2 + 1 + 2));
    expect(recordSize(0, 10, block.length)).toBe(small + block.length - 1);
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
