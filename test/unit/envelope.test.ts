// The JSON envelope both ways: binary headers marked like keys and values, strict base64/hex,
// whole-millisecond timestamps, kcat -J lines, and unknown fields refused.
import { describe, expect, it } from 'vitest';
import { parseEnvelope, toEnvelope, type RawRecord } from '../../src/records/envelope.js';

const base: RawRecord = { topic: 't', partition: 0, offset: '1', timestamp: '1700000000000', key: null, value: Buffer.from('v') };
const parse = (line: object | string) => parseEnvelope(typeof line === 'string' ? line : JSON.stringify(line), 'line 7');

describe('headers that are not UTF-8', () => {
  const binary = Buffer.from([0xff, 0x00, 0xfe]);

  it('are all written in base64 and marked once, and read back as the same bytes', () => {
    const env = toEnvelope({ ...base, headers: { bin: binary, text: Buffer.from('é'), twice: [Buffer.from('a'), binary] } });
    expect(env.headersEncoding).toBe('base64');
    expect(env.headers).toEqual({ bin: '/wD+', text: 'w6k=', twice: ['YQ==', '/wD+'] });
    expect(parse(env).headers).toEqual({ bin: binary, text: Buffer.from('é'), twice: [Buffer.from('a'), binary] });
  });

  it('stay plain text, unmarked, when every value is UTF-8', () => {
    const env = toEnvelope({ ...base, headers: { a: Buffer.from('x'), b: 'y' } });
    expect(env.headers).toEqual({ a: 'x', b: 'y' });
    expect(env.headersEncoding).toBeUndefined();
  });

  it('use hex when hex was asked for', () => {
    const env = toEnvelope({ ...base, headers: { bin: binary } }, 'hex');
    expect(env).toMatchObject({ headers: { bin: 'ff00fe' }, headersEncoding: 'hex' });
    expect(parse(env).headers).toEqual({ bin: binary });
  });
});

describe('strict decoding', () => {
  it.each([
    [{ value: '@@@', valueEncoding: 'base64' }, "line 7: value is not valid base64"],
    [{ value: 'QUJD=X', valueEncoding: 'base64' }, "line 7: value is not valid base64"],
    [{ value: 'QUK=', valueEncoding: 'base64' }, "line 7: value is not valid base64"],
    [{ value: 'Q', valueEncoding: 'base64' }, "line 7: value is not valid base64"],
    [{ key: 'abc', keyEncoding: 'hex', value: null }, 'line 7: key is not valid hex (an even number of the digits 0-9, a-f)'],
    [{ value: 'zz', valueEncoding: 'hex' }, 'line 7: value is not valid hex'],
    [{ value: 5, valueEncoding: 'hex' }, 'line 7: value must be a hex string (valueEncoding is "hex")'],
    [{ value: 'v', headers: { h: '@@' }, headersEncoding: 'base64' }, "line 7: header 'h' is not valid base64"],
    [{ value: 'v', timestamp: 1700000000000.5 }, 'line 7: timestamp must be a whole number of milliseconds since the epoch (got 1700000000000.5)'],
    [{ value: 'v', timestamp: '1e12' }, 'line 7: timestamp must be a whole number of milliseconds since the epoch (got "1e12")'],
    [{ value: 'v', timestamp: -1 }, 'line 7: timestamp must be a whole number'],
  ])('%j is an error naming the line and field', (line, message) => expect(() => parse(line)).toThrow(message));

  it.each([
    [{ value: 'QUJD', valueEncoding: 'base64' }, Buffer.from('ABC')],
    [{ value: 'QUI=', valueEncoding: 'base64' }, Buffer.from('AB')],
    [{ value: 'QUI', valueEncoding: 'base64' }, Buffer.from('AB')],
    [{ value: '', valueEncoding: 'base64' }, Buffer.alloc(0)],
    [{ value: '00FFab', valueEncoding: 'hex' }, Buffer.from([0, 0xff, 0xab])],
  ])('%j decodes exactly', (line, bytes) => expect(parse(line).value).toEqual(bytes));
});

describe('kcat -J lines', () => {
  it('are read as records: payload, key, ts, flat headers, partition', () => {
    const line = '{"topic":"t","partition":2,"offset":41,"tstype":"create","ts":1700000000123,"broker":1,"headers":["h","1","h","2","x","y"],"key":"k","payload":"hello"}';
    expect(parse(line)).toEqual({
      key: Buffer.from('k'), value: Buffer.from('hello'), partition: 2, timestamp: '1700000000123',
      headers: { h: ['1', '2'], x: 'y' },
    });
  });

  it('keep a null payload a tombstone and drop an unknown timestamp', () =>
    expect(parse('{"topic":"t","partition":0,"offset":0,"tstype":"unknown","ts":-1,"broker":1,"key":null,"payload":null}')).toEqual({ key: null, value: null, partition: 0 }));

  it.each([
    [{ payload: 'a', value: 'b' }, 'line 7: has both value and payload: give one'],
    [{ value: 'a', ts: 1, timestamp: 1 }, 'line 7: has both timestamp and ts: give one'],
    [{ payload: 'a', headers: ['h'] }, "line 7: headers as an array must be [name, value, name, value, …] (kcat -J's form)"],
    [{ payload: 'a', headers: ['h', null] }, "line 7: header 'h' must be a string (got null)"],
    [{ payload: null, payload_error: 'bad avro' }, 'line 7: kcat could not read this record\'s payload (payload_error: "bad avro")'],
  ])('%j is refused', (line, message) => expect(() => parse(line)).toThrow(message));
});

describe('unknown fields', () => {
  it.each([['valeu'], ['Value'], ['header']])('%s is an error naming the line and the field', (field) =>
    expect(() => parse({ key: 'k', [field]: 'v' })).toThrow(`line 7: unknown field '${field}' (expected key, value, headers,`));
});
