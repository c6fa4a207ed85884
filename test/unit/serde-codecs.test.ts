import { describe, expect, it } from 'vitest';
import { avroCodec } from '../../src/serde/avro.js';
import { SchemaError, SchemaMismatch } from '../../src/serde/codec.js';
import { jsonSchemaCodec } from '../../src/serde/json-schema.js';
import { protobufCodec } from '../../src/serde/protobuf.js';
import { frame, isWireFormat, readMessageIndexes, schemaIdOf, wireHeader, writeMessageIndexes } from '../../src/serde/wire.js';

describe('wire format', () => {
  it('frames a body behind magic 0 and a big-endian id', () => {
    const rec = frame(258, Buffer.from([9, 8]));
    expect([...rec]).toEqual([0, 0, 0, 1, 2, 9, 8]);
    expect(isWireFormat(rec)).toBe(true);
    expect(schemaIdOf(rec)).toBe(258);
    expect([...wireHeader(1)]).toEqual([0, 0, 0, 0, 1]);
  });

  it('tells other bytes apart: text, short records, another magic byte', () => {
    expect(isWireFormat(Buffer.from('{"a":1}'))).toBe(false);
    expect(isWireFormat(Buffer.from([0, 0, 0, 1]))).toBe(false);
    expect(isWireFormat(Buffer.from([1, 0, 0, 0, 1]))).toBe(false);
  });

  it.each([
    [[0], [0]],
    [[1], [2, 2]],
    [[0, 2], [4, 0, 4]],
    [[70], [2, 0x8c, 0x01]],
  ])('message indexes %j as zigzag varints %j', (indexes, bytes) => {
    expect([...writeMessageIndexes(indexes)]).toEqual(bytes);
    const buf = Buffer.from([...bytes, 0xaa]);
    expect(readMessageIndexes(buf, 0, buf.length)).toEqual({ indexes, next: bytes.length });
  });

  it('refuses indexes that end early or run negative', () => {
    expect(() => readMessageIndexes(Buffer.from([4, 0]), 0, 2)).toThrow(/end early/);
    expect(() => readMessageIndexes(Buffer.from([2, 1]), 0, 2)).toThrow(/negative/);
  });
});

const USER = JSON.stringify({
  type: 'record', name: 'User', namespace: 'com.example',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'age', type: 'int' },
    { name: 'email', type: ['null', 'string'], default: null },
    { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
    { name: 'avatar', type: 'bytes', default: '' },
    { name: 'address', type: ['null', { type: 'record', name: 'Address', fields: [{ name: 'zip', type: 'int' }] }], default: null },
  ],
});

function body(rec: Buffer): [Buffer, number, number] {
  return [rec, 0, rec.length];
}

describe('Avro', () => {
  const codec = avroCodec(USER);

  it('round-trips Avro JSON, unions wrapped and bytes as code points', () => {
    const json = { name: 'ann', age: 31, email: { string: 'a@x' }, tags: ['a'], avatar: '\u0000\u00ff', address: { 'com.example.Address': { zip: 1000 } } };
    const bytes = codec.encode(json);
    expect(JSON.parse(codec.decode(...body(bytes)))).toEqual(json);
    expect(codec.recordName).toBe('com.example.User');
  });

  it('takes plain JSON for unions and fills defaults', () => {
    const bytes = codec.encode({ name: 'bo', age: 2, email: 'b@x' });
    expect(JSON.parse(codec.decode(...body(bytes)))).toEqual({ name: 'bo', age: 2, email: { string: 'b@x' }, tags: [], avatar: '', address: null });
  });

  it('matches the Avro binary encoding byte for byte', () => {
    const simple = avroCodec(JSON.stringify({ type: 'record', name: 'P', fields: [{ name: 's', type: 'string' }, { name: 'n', type: 'long' }] }));
    // string: zigzag length 2 -> 4, "hi"; long 3 -> 6
    expect([...simple.encode({ s: 'hi', n: 3 })]).toEqual([4, 0x68, 0x69, 6]);
  });

  it.each([
    [{ age: 3 }, 'name', /missing/],
    [{ name: 'x', age: 'old' }, 'age', /expected int, got the string "old"/],
    [{ name: 'x', age: 1, tags: ['a', 7] }, 'tags[1]', /expected string, got number 7/],
    [{ name: 'x', age: 1, address: { zip: 'z' } }, 'address', /expected/],
  ])('names the field that does not fit: %j', (value, field, problem) => {
    try {
      codec.encode(value);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SchemaMismatch);
      expect((err as SchemaMismatch).field).toBe(field);
      expect((err as Error).message).toMatch(problem);
    }
  });

  it('keeps longs exact over their whole range: past 2^53 as strings of digits', () => {
    const longs = avroCodec(JSON.stringify({ type: 'record', name: 'L', fields: [{ name: 'n', type: 'long' }] }));
    for (const n of [-9007199254740991, -4503599627370497, 0, 4503599627370497, '9223372036854775807', '-9223372036854775808']) {
      expect(JSON.parse(longs.decode(...body(longs.encode({ n }))))).toEqual({ n });
    }
    // Zigzag varint of -2^52-1: avsc's own long writes this one with the wrong sign.
    expect(longs.encode({ n: -4503599627370497 }).toString('hex')).toBe('8180808080808010');
    expect(() => longs.encode({ n: '9223372036854775808' })).toThrow(/field 'n': expected long/);
    expect(() => longs.encode({ n: 1.5 })).toThrow(/field 'n': expected long/);
  });

  it('refuses a truncated body and trailing bytes', () => {
    const bytes = codec.encode({ name: 'ann', age: 1 });
    expect(() => codec.decode(bytes, 0, bytes.length - 1)).toThrow();
    const longer = Buffer.concat([bytes, Buffer.from([1])]);
    expect(() => codec.decode(longer, 0, longer.length)).toThrow(/left after/);
  });

  it('refuses a schema that is not Avro', () => {
    expect(() => avroCodec('{"type":"nope"}')).toThrow(SchemaError);
    expect(() => avroCodec('not json')).toThrow(SchemaError);
  });

  it('resolves a named type from a reference', () => {
    const addr = JSON.stringify({ type: 'record', name: 'Addr', namespace: 'n', fields: [{ name: 'zip', type: 'int' }] });
    const withRef = avroCodec(JSON.stringify({ type: 'record', name: 'Home', namespace: 'n', fields: [{ name: 'a', type: 'n.Addr' }] }), [{ name: 'n.Addr', schema: addr }]);
    expect(withRef.decode(...body(withRef.encode({ a: { zip: 5 } })))).toBe('{"a":{"zip":5}}');
  });
});

const PROTO = `
syntax = "proto3";
package shop;
import "google/protobuf/timestamp.proto";
message Order {
  string id = 1;
  int64 qty = 2;
  repeated Line lines = 3;
  Status status = 4;
  bytes raw = 5;
  google.protobuf.Timestamp at = 6;
  message Line { string sku = 1; }
}
enum Status { NEW = 0; DONE = 1; }
message Refund { string order_id = 1; }
`;

describe('Protobuf', () => {
  it('encodes the first message with index [0] and decodes to proto3 JSON', () => {
    const codec = protobufCodec(PROTO);
    const bytes = codec.encode({ id: 'o1', qty: '9007199254740993', lines: [{ sku: 'x' }], status: 'DONE', raw: 'AAE=', at: { seconds: 5, nanos: 1 } });
    expect(bytes[0]).toBe(0);
    expect(codec.recordName).toBe('shop.Order');
    expect(JSON.parse(codec.decode(...body(bytes)))).toEqual({ id: 'o1', qty: '9007199254740993', lines: [{ sku: 'x' }], status: 'DONE', raw: 'AAE=', at: { seconds: '5', nanos: 1 } });
  });

  it('picks a message by name, writes its index, and decodes by the indexes it finds', () => {
    const refund = protobufCodec(PROTO, [], { message: 'shop.Refund' });
    const bytes = refund.encode({ orderId: 'o1' });
    expect([...bytes.subarray(0, 2)]).toEqual([2, 2]);
    expect(protobufCodec(PROTO).decode(...body(bytes))).toBe('{"orderId":"o1"}');
    const line = protobufCodec(PROTO, [], { message: 'shop.Order.Line' }).encode({ sku: 'k' });
    expect([...line.subarray(0, 3)]).toEqual([4, 0, 0]);
    expect(protobufCodec(PROTO).decode(...body(line))).toBe('{"sku":"k"}');
  });

  it.each([
    [{ id: 5 }, 'id', /expected a string, got number 5/],
    [{ qty: 'many' }, 'qty', /integer/],
    [{ lines: [{ sku: 'a' }, { sku: 1 }] }, 'lines[1].sku', /string/],
    [{ status: 'LOST' }, 'status', /one of NEW, DONE/],
    [{ colour: 'red' }, 'colour', /no such field/],
  ])('names the field that does not fit: %j', (value, field, problem) => {
    try {
      protobufCodec(PROTO).encode(value);
      expect.unreachable();
    } catch (err) {
      expect((err as SchemaMismatch).field).toBe(field);
      expect((err as Error).message).toMatch(problem);
    }
  });

  it('imports a referenced file', () => {
    const common = 'syntax = "proto3"; package lib; message Money { int64 cents = 1; }';
    const codec = protobufCodec('syntax = "proto3"; package app; import "lib/money.proto"; message Price { lib.Money amount = 1; }', [{ name: 'lib/money.proto', schema: common }]);
    expect(codec.decode(...body(codec.encode({ amount: { cents: 250 } })))).toBe('{"amount":{"cents":"250"}}');
  });

  it('refuses an import it was not given, and indexes that name no message', () => {
    expect(() => protobufCodec('syntax = "proto3"; import "x.proto"; message A { int32 a = 1; }')).toThrow(/imports x.proto/);
    const codec = protobufCodec(PROTO);
    expect(() => codec.decode(Buffer.from([2, 20]), 0, 2)).toThrow(/name no message/);
  });
});

describe('JSON Schema', () => {
  const schema = JSON.stringify({
    $schema: 'http://json-schema.org/draft-07/schema#', title: 'Event', type: 'object',
    properties: { id: { type: 'integer' }, when: { type: 'string', format: 'date-time' }, items: { type: 'array', items: { type: 'object', properties: { n: { type: 'number' } } } } },
    required: ['id'],
  });
  const codec = jsonSchemaCodec(schema);

  it('encodes valid JSON as its compact text and decodes it to one line', () => {
    const bytes = codec.encode({ id: 1, when: '2026-01-01T00:00:00Z' });
    expect(bytes.toString()).toBe('{"id":1,"when":"2026-01-01T00:00:00Z"}');
    expect(codec.decode(Buffer.from('{\n "id": 2\n}'), 0, 13)).toBe('{"id":2}');
    expect(codec.recordName).toBe('Event');
  });

  it.each([
    [{}, 'id', /requires/],
    [{ id: 'x' }, 'id', /integer/],
    [{ id: 1, when: 'yesterday' }, 'when', /date-time/],
    [{ id: 1, items: [{ n: 1 }, { n: 'two' }] }, 'items[1].n', /number/],
  ])('names the field that does not fit: %j', (value, field, problem) => {
    try {
      codec.encode(value);
      expect.unreachable();
    } catch (err) {
      expect((err as SchemaMismatch).field).toBe(field);
      expect((err as Error).message).toMatch(problem);
    }
  });

  it('reads 2020-12 schemas and refuses bodies that are not JSON', () => {
    const c = jsonSchemaCodec(JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', prefixItems: [{ type: 'string' }] }));
    expect(c.encode({}).toString()).toBe('{}');
    expect(() => codec.decode(Buffer.from('nope'), 0, 4)).toThrow(/not JSON/);
  });
});
