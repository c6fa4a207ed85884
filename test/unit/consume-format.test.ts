import { describe, expect, it } from 'vitest';
import { DEFAULT_PRINT_FLAGS, applyProperties, compileFormat, jsonFormat, printFlagsFormat, type ConsumedRecord, type Part, type RecordFormatter } from '../../src/commands/consume/format.js';

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
  const none = DEFAULT_PRINT_FLAGS;
  it('prints the value alone by default, null as "null"', () => {
    expect(text(printFlagsFormat(none), record)).toBe('{"amount":5}\n');
    expect(text(printFlagsFormat(none), nulls)).toBe('null\n');
  });
  it('puts the fields in Kafka order with the separator', () => {
    const all = { ...none, key: true, partition: true, offset: true, timestamp: true, headers: true, separator: ':' };
    expect(text(printFlagsFormat(all), record)).toBe('CreateTime:1700000000000:Partition:2:Offset:41:trace:t1,tag:a,tag:b:alice:{"amount":5}\n');
    expect(text(printFlagsFormat(all), { ...nulls, attributes: 8 })).toBe('LogAppendTime:5:Partition:0:Offset:7:NO_HEADERS:null:null\n');
  });
  it('takes --property settings', () => {
    const flags = applyProperties(none, [['print.key', 'true'], ['key.separator', ' => '], ['print.offset', 'true']]);
    expect(text(printFlagsFormat(flags), record)).toBe('Offset:41 => alice => {"amount":5}\n');
  });
  it('rejects unknown properties and non-boolean values', () => {
    expect(() => applyProperties(none, [['print.values', 'true']])).toThrow("unknown --property 'print.values'");
    expect(() => applyProperties(none, [['print.key', 'yes']])).toThrow(/print.key must be true or false/);
  });
});

describe('Kafka DefaultMessageFormatter properties', () => {
  const props = (...p: Array<[string, string]>) => printFlagsFormat(applyProperties(DEFAULT_PRINT_FLAGS, p));
  it('print.value=false ends the line after the last field printed', () => {
    expect(text(props(['print.key', 'true'], ['print.value', 'false']), record)).toBe('alice\n');
    expect(text(props(['print.offset', 'true'], ['print.key', 'true'], ['print.value', 'false']), record)).toBe('Offset:41\talice\n');
  });
  it('prints nothing at all with every part off, as Kafka does', () => expect(text(props(['print.value', 'false']), record)).toBe(''));
  it('takes line.separator, headers.separator and null.literal', () => {
    expect(text(props(['print.headers', 'true'], ['headers.separator', '|'], ['line.separator', ';']), record)).toBe('trace:t1|tag:a|tag:b\t{"amount":5};');
    expect(text(props(['print.key', 'true'], ['null.literal', '<nil>']), nulls)).toBe('<nil>\t<nil>\n');
  });
  it('decodes with Kafka deserializers', () => {
    const long = Buffer.alloc(8);
    long.writeBigInt64BE(-42n);
    const r = { ...record, value: long, key: Buffer.from([0, 0, 1, 0]) };
    expect(text(props(['value.deserializer', 'org.apache.kafka.common.serialization.LongDeserializer'], ['print.key', 'true'], ['key.deserializer', 'org.apache.kafka.common.serialization.IntegerDeserializer']), r)).toBe('256\t-42\n');
    expect(() => text(props(['value.deserializer', 'org.apache.kafka.common.serialization.LongDeserializer']), record)).toThrow('Size of data received by LongDeserializer is not 8');
    expect(() => props(['value.deserializer', 'com.example.Avro'])).toThrow(/not a deserializer kstream knows/);
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
