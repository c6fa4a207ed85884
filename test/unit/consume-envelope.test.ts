import { describe, expect, it } from 'vitest';
import { encodeBytes, parseEnvelope, toEnvelope, type RawRecord } from '../../src/records/envelope.js';

const base: RawRecord = { topic: 't', partition: 1, offset: '9', timestamp: '1700000000000', key: null, value: null };

describe('encodeBytes', () => {
  it.each([
    [null, 'utf8', { text: null }],
    [Buffer.from('héllo'), 'utf8', { text: 'héllo' }],
    [Buffer.from([0xc3, 0x28]), 'utf8', { text: 'wyg=', encoding: 'base64' }],
    [Buffer.from('hi'), 'base64', { text: 'aGk=', encoding: 'base64' }],
    [Buffer.from('hi'), 'hex', { text: '6869', encoding: 'hex' }],
    [Buffer.alloc(0), 'utf8', { text: '' }],
  ] as const)('%j as %s', (bytes, prefer, expected) => expect(encodeBytes(bytes as Buffer | null, prefer)).toEqual(expected));
});

describe('toEnvelope', () => {
  it('keeps null key and value, numbers for offset and timestamp', () =>
    expect(toEnvelope(base)).toEqual({ topic: 't', partition: 1, offset: 9, timestamp: 1700000000000, key: null, value: null, headers: {} }));

  it('marks binary keys and values and keeps text ones plain', () => {
    const env = toEnvelope({ ...base, key: Buffer.from('k'), value: Buffer.from([0xff, 0xfe]), headers: { h: Buffer.from('x'), r: ['1', Buffer.from('2')] } });
    expect(env).toMatchObject({ key: 'k', value: '//4=', valueEncoding: 'base64', headers: { h: 'x', r: ['1', '2'] } });
    expect(env.keyEncoding).toBeUndefined();
  });

  it('encodes every key and value with hex when asked', () =>
    expect(toEnvelope({ ...base, key: Buffer.from('k'), value: Buffer.from('v') }, 'hex')).toMatchObject({ key: '6b', keyEncoding: 'hex', value: '76', valueEncoding: 'hex' }));

  it('round-trips through the produce parser', () => {
    const value = Buffer.from([0, 1, 2, 0xff]);
    const parsed = parseEnvelope(JSON.stringify(toEnvelope({ ...base, key: Buffer.from('k'), value, headers: { a: 'b' } })), 'line 1');
    expect(parsed.key).toEqual(Buffer.from('k'));
    expect(parsed.value).toEqual(value);
    expect(parsed.headers).toEqual({ a: 'b' });
  });
});
