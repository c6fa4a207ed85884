// The Confluent wire format of a record key or value: magic byte 0, the schema id as a 4-byte
// big-endian integer, then the encoded body. Protobuf bodies start with the message indexes: the
// path to the message type in the .proto file, as a zigzag-varint count and indexes, with the
// common case [0] written as a single 0 byte.

export const MAGIC = 0;
export const HEADER_BYTES = 5;

/** Whether bytes[start, end) can be a record in the wire format: a magic byte and a whole id. */
export function isWireFormat(buf: Buffer, start = 0, end = buf.length): boolean {
  return end - start >= HEADER_BYTES && buf[start] === MAGIC;
}

/** The schema id of a record in the wire format (check isWireFormat first). */
export function schemaIdOf(buf: Buffer, start = 0): number {
  return buf.readInt32BE(start + 1);
}

export function wireHeader(schemaId: number): Buffer {
  const head = Buffer.alloc(HEADER_BYTES);
  head[0] = MAGIC;
  head.writeInt32BE(schemaId, 1);
  return head;
}

/** A whole record value: header, then `body` (already holding message indexes for Protobuf). */
export function frame(schemaId: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  out[0] = MAGIC;
  out.writeInt32BE(schemaId, 1);
  body.copy(out, HEADER_BYTES);
  return out;
}

export class WireFormatError extends Error {}

/** Reads a zigzag varint (Kafka's ByteUtils.readVarint, which the Confluent serializers use). */
function readVarint(buf: Buffer, at: number, end: number): [value: number, next: number] {
  let raw = 0;
  let shift = 0;
  for (;;) {
    if (at >= end) throw new WireFormatError('the Protobuf message indexes end early');
    const b = buf[at++]!;
    raw += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
    if (shift > 28) throw new WireFormatError('a Protobuf message index is longer than 5 bytes');
  }
  return [raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2, at];
}

function writeVarint(value: number, out: number[]): void {
  let raw = value >= 0 ? value * 2 : -value * 2 - 1;
  while (raw >= 0x80) {
    out.push((raw & 0x7f) | 0x80);
    raw = Math.floor(raw / 128);
  }
  out.push(raw);
}

/** The message indexes at buf[at, end) and where the Protobuf message starts after them. */
export function readMessageIndexes(buf: Buffer, at: number, end: number): { indexes: number[]; next: number } {
  const [count, afterCount] = readVarint(buf, at, end);
  if (count === 0) return { indexes: [0], next: afterCount };
  if (count < 0 || count > 100) throw new WireFormatError(`the record claims ${count} Protobuf message indexes`);
  const indexes: number[] = [];
  let next = afterCount;
  for (let i = 0; i < count; i++) {
    const [index, after] = readVarint(buf, next, end);
    if (index < 0) throw new WireFormatError(`a Protobuf message index is negative (${index})`);
    indexes.push(index);
    next = after;
  }
  return { indexes, next };
}

export function writeMessageIndexes(indexes: number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0]);
  const out: number[] = [];
  writeVarint(indexes.length, out);
  for (const i of indexes) writeVarint(i, out);
  return Buffer.from(out);
}
