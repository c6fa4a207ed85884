// Kafka's own deserializers, for `--property value.deserializer=…LongDeserializer` and the like:
// each turns the bytes into the text Java's toString() would print, and fails as Kafka's does.
import { UsageError } from '../../errors.js';

/** Bytes to the text the console consumer prints; throws DeserializeError on bad input. */
export type Deserializer = (bytes: Buffer) => Buffer;

/** A record Kafka's deserializer would refuse (the console consumer stops, or skips it). */
export class DeserializeError extends Error {}

const PACKAGE = 'org.apache.kafka.common.serialization.';

function fixed(name: string, size: number, read: (b: Buffer) => string): Deserializer {
  return (b) => {
    if (b.length !== size) throw new DeserializeError(`Size of data received by ${name} is not ${size}`);
    return Buffer.from(read(b));
  };
}

const DESERIALIZERS: Record<string, Deserializer> = {
  StringDeserializer: (b) => b,
  ByteArrayDeserializer: (b) => b,
  BytesDeserializer: (b) => b,
  LongDeserializer: fixed('LongDeserializer', 8, (b) => b.readBigInt64BE().toString()),
  IntegerDeserializer: fixed('IntegerDeserializer', 4, (b) => String(b.readInt32BE())),
  ShortDeserializer: fixed('ShortDeserializer', 2, (b) => String(b.readInt16BE())),
  DoubleDeserializer: fixed('DoubleDeserializer', 8, (b) => javaDouble(b.readDoubleBE())),
  FloatDeserializer: fixed('FloatDeserializer', 4, (b) => javaFloat(b.readFloatBE())),
  UUIDDeserializer: (b) => {
    const text = b.toString('utf8');
    // Java's UUID.fromString: five groups of hex digits; toString() prints them lower-case, padded.
    const m = /^([0-9a-fA-F]{1,8})-([0-9a-fA-F]{1,4})-([0-9a-fA-F]{1,4})-([0-9a-fA-F]{1,4})-([0-9a-fA-F]{1,12})$/.exec(text);
    if (!m) throw new DeserializeError('Error parsing data into UUID');
    const widths = [8, 4, 4, 4, 12];
    return Buffer.from(m.slice(1).map((g, i) => g.toLowerCase().padStart(widths[i]!, '0')).join('-'));
  },
  VoidDeserializer: (b) => {
    if (b.length !== 0) throw new DeserializeError('Data should be null for a VoidDeserializer.');
    return Buffer.from('null');
  },
};

/** The deserializer a class name names: the full Java name, or the short one. */
export function deserializerFor(className: string, property: string): Deserializer {
  const short = className.startsWith(PACKAGE) ? className.slice(PACKAGE.length) : className;
  const found = DESERIALIZERS[short];
  if (!found) {
    throw new UsageError(`--property ${property}=${className} is not a deserializer kstream knows`, {
      hint: `use one of ${Object.keys(DESERIALIZERS).map((n) => PACKAGE + n).join(', ')}`,
    });
  }
  return found;
}

/** Java's Double.toString: at least one decimal, scientific below 10^-3 and from 10^7. */
export function javaDouble(d: number): string {
  return javaDecimal(d, String);
}

/** Java's Float.toString: the same layout, with the fewest digits that name the float. */
export function javaFloat(f: number): string {
  return javaDecimal(f, (v) => {
    for (let p = 1; p <= 9; p++) {
      const text = v.toPrecision(p);
      if (Math.fround(Number(text)) === v) return String(Number(text));
    }
    return String(v);
  });
}

function javaDecimal(v: number, shortest: (v: number) => string): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(v);
  const digits = shortest(abs);
  const sign = v < 0 ? '-' : '';
  if (abs >= 1e-3 && abs < 1e7) {
    const plain = digits.includes('e') ? abs.toFixed(20).replace(/0+$/, '') : digits;
    return sign + (plain.includes('.') ? plain.replace(/\.$/, '.0') : plain + '.0');
  }
  // Scientific: the significant digits of the shortest form, one before the point.
  const [mantissa, exp] = Number(digits).toExponential().split('e') as [string, string];
  const m = mantissa.includes('.') ? mantissa : mantissa + '.0';
  return `${sign}${m}E${Number(exp)}`;
}
