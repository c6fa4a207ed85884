import { describe, expect, it } from 'vitest';
import { applyProperties, compileFormat, jsonFormat, printFlagsFormat, type ConsumedRecord, type Part, type RecordFormatter } from '../../src/commands/consume/format.js';

const record: ConsumedRecord = {
  topic: 'orders',
  partition: 2,
  offset: '41',
  timestamp: '1700000000000',
  key: Buffer.from('alice'),
  value: Buffer.from('{"amount":5}'),
  headers: { trace: Buffer.from('t1'), tag: [Buffer.from('a'), Buffer.from('b')] },
};
const nulls: ConsumedRecord = { topic: 'orders', partition: 0, offset: '7', timestamp: '5', key: null, value: null, headers: {} };
const binary: ConsumedRecord = { ...nulls, key: Buffer.from([0xff, 0x00]), value: Buffer.from([0xc3, 0x28, 0x01]) };

function text(format: RecordFormatter, r: ConsumedRecord): string {
  const parts: Part[] = [];
  format(r, parts);
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString('latin1');
}

describe('compileFormat (kcat tokens)', () => {
  it.each([
    ['%s\\n', '{"amount":5}\n'],
    ['%k\\t%s\\n', 'alice\t{"amount":5}\n'],
    ['%t %p %o %T', 'orders 2 41 1700000000000'],
    ['%h', 'trace=t1,tag=a,tag=b'],
    ['%S %K', '12 5'],
    ['100%% %s', '100% {"amount":5}'],
    ['a\\\\b\\r', 'a\\b\r'],
    ['no tokens', 'no tokens'],
    ['', ''],
  ])('%j', (format, expected) => expect(text(compileFormat(format), record)).toBe(expected));

  it('prints null keys and values as nothing, lengths as -1', () =>
    expect(text(compileFormat('[%k][%s][%K][%S][%h]'), nulls)).toBe('[][][-1][-1][]'));

  it('copies non-UTF-8 bytes unchanged, or encodes them when asked', () => {
    expect(text(compileFormat('%k|%s'), binary)).toBe(Buffer.from([0xff, 0x00, 0x7c, 0xc3, 0x28, 0x01]).toString('latin1'));
    expect(text(compileFormat('%k|%s', 'hex'), binary)).toBe('ff00|c32801');
    expect(text(compileFormat('%s', 'base64'), binary)).toBe('wygB');
  });

  it.each([
    ['%x', /unknown token '%x'/],
    ['abc%', /ends with a lone '%'/],
    ['abc\\', /ends with a lone '\\'/],
    ['\\q', /unknown escape '\\q'/],
  ])('rejects %j', (format, message) => expect(() => compileFormat(format)).toThrow(message));
});

describe('printFlagsFormat (Kafka console consumer layout)', () => {
  const none = { key: false, partition: false, offset: false, timestamp: false, headers: false, separator: '\t' };
  it('prints the value alone by default, null as "null"', () => {
    expect(text(printFlagsFormat(none), record)).toBe('{"amount":5}\n');
    expect(text(printFlagsFormat(none), nulls)).toBe('null\n');
  });
  it('puts the fields in Kafka order with the separator', () => {
    const all = { key: true, partition: true, offset: true, timestamp: true, headers: true, separator: ':' };
    expect(text(printFlagsFormat(all), record)).toBe('CreateTime:1700000000000:Partition:2:Offset:41:trace:t1,tag:a,tag:b:alice:{"amount":5}\n');
    expect(text(printFlagsFormat(all), { ...nulls, attributes: 8 })).toBe('LogAppendTime:5:Partition:0:Offset:7:NO_HEADERS:null:null\n');
  });
  it('takes --property settings', () => {
    const flags = applyProperties(none, [['print.key', 'true'], ['key.separator', ' => '], ['print.offset', 'true']]);
    expect(text(printFlagsFormat(flags), record)).toBe('Offset:41 => alice => {"amount":5}\n');
  });
  it('rejects unknown properties and non-boolean values', () => {
    expect(() => applyProperties(none, [['print.value', 'true']])).toThrow("unknown --property 'print.value'");
    expect(() => applyProperties(none, [['print.key', 'yes']])).toThrow(/print.key must be true or false/);
  });
});

describe('jsonFormat', () => {
  it('prints one envelope per line', () => {
    expect(JSON.parse(text(jsonFormat(), record))).toEqual({
      topic: 'orders', partition: 2, offset: 41, timestamp: 1700000000000, key: 'alice', value: '{"amount":5}', headers: { trace: 't1', tag: ['a', 'b'] },
    });
    expect(text(jsonFormat(), nulls).endsWith('}\n')).toBe(true);
  });
});
