import { describe, expect, it } from 'vitest';
import { DeserializeError, deserializerFor, javaDouble, javaFloat } from '../../src/commands/consume/deserializers.js';

const be = (size: number, write: (b: Buffer) => void) => {
  const b = Buffer.alloc(size);
  write(b);
  return b;
};
const run = (name: string, b: Buffer) => deserializerFor(`org.apache.kafka.common.serialization.${name}`, 'value.deserializer')(b).toString();

describe("Kafka's deserializers", () => {
  it.each<[string, Buffer, string]>([
    ['LongDeserializer', be(8, (b) => b.writeBigInt64BE(9007199254740993n)), '9007199254740993'],
    ['LongDeserializer', be(8, (b) => b.writeBigInt64BE(-1n)), '-1'],
    ['IntegerDeserializer', be(4, (b) => b.writeInt32BE(-2147483648)), '-2147483648'],
    ['ShortDeserializer', be(2, (b) => b.writeInt16BE(513)), '513'],
    ['DoubleDeserializer', be(8, (b) => b.writeDoubleBE(3)), '3.0'],
    ['DoubleDeserializer', be(8, (b) => b.writeDoubleBE(0.1)), '0.1'],
    ['FloatDeserializer', be(4, (b) => b.writeFloatBE(0.1)), '0.1'],
    ['StringDeserializer', Buffer.from('héllo'), 'héllo'],
    ['UUIDDeserializer', Buffer.from('123E4567-E89B-12D3-A456-426614174000'), '123e4567-e89b-12d3-a456-426614174000'],
  ])('%s decodes %j as %s', (name, bytes, text) => expect(run(name, bytes)).toBe(text));

  it('takes the short class name too', () => expect(deserializerFor('LongDeserializer', 'x')(be(8, (b) => b.writeBigInt64BE(7n))).toString()).toBe('7'));

  it.each([['LongDeserializer', 'Size of data received by LongDeserializer is not 8'], ['IntegerDeserializer', 'Size of data received by IntegerDeserializer is not 4'], ['UUIDDeserializer', 'Error parsing data into UUID']])(
    '%s refuses bytes of the wrong shape as Kafka does', (name, message) => {
      expect(() => run(name, Buffer.from('abc'))).toThrow(DeserializeError);
      expect(() => run(name, Buffer.from('abc'))).toThrow(message);
    });
});

describe("Java's Double.toString and Float.toString", () => {
  it.each([
    [1, '1.0'], [-0, '-0.0'], [0, '0.0'], [1.5, '1.5'], [1234567.5, '1234567.5'], [1e7, '1.0E7'], [12345678.9, '1.23456789E7'],
    [0.001, '0.001'], [0.0001, '1.0E-4'], [1.5e-10, '1.5E-10'], [NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'], [-2.5e300, '-2.5E300'],
  ])('double %d prints %s', (d, text) => expect(javaDouble(d)).toBe(text));

  it.each([[Math.fround(0.1), '0.1'], [Math.fround(3.4028235e38), '3.4028235E38'], [Math.fround(1 / 3), '0.33333334'], [16777216, '1.6777216E7']])(
    'float %d prints %s', (f, text) => expect(javaFloat(f)).toBe(text));
});
