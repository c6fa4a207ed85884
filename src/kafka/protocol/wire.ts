// Kafka's primitive types, classic and "flexible" (KIP-482: compact strings and arrays, unsigned
// varint lengths, tagged fields). kafkajs's own encoder predates flexible versions and most of the
// admin requests kafkajs lacks (DescribeUserScramCredentials, ListTransactions, DescribeProducers,
// AlterPartitionReassignments, ElectLeaders v2, IncrementalAlterConfigs v1) exist only in flexible
// form, so kstream writes and reads them with these two small classes.

export class Writer {
  private buf = Buffer.allocUnsafe(256);
  private len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  int8(v: number): this { this.room(1); this.buf.writeInt8(v, this.len); this.len += 1; return this; }
  bool(v: boolean): this { return this.int8(v ? 1 : 0); }
  int16(v: number): this { this.room(2); this.buf.writeInt16BE(v, this.len); this.len += 2; return this; }
  int32(v: number): this { this.room(4); this.buf.writeInt32BE(v, this.len); this.len += 4; return this; }
  int64(v: bigint | number): this { this.room(8); this.buf.writeBigInt64BE(BigInt(v), this.len); this.len += 8; return this; }
  float64(v: number): this { this.room(8); this.buf.writeDoubleBE(v, this.len); this.len += 8; return this; }

  uvarint(v: number): this {
    this.room(5);
    let n = v >>> 0;
    while (n >= 0x80) { this.buf[this.len++] = (n & 0x7f) | 0x80; n >>>= 7; }
    this.buf[this.len++] = n;
    return this;
  }

  raw(b: Uint8Array): this { this.room(b.length); this.buf.set(b, this.len); this.len += b.length; return this; }

  /** INT16-length STRING / NULLABLE_STRING. */
  string(s: string | null): this {
    if (s === null) return this.int16(-1);
    const b = Buffer.from(s, 'utf8');
    return this.int16(b.length).raw(b);
  }

  /** COMPACT_STRING / COMPACT_NULLABLE_STRING: uvarint length + 1, 0 for null. */
  compactString(s: string | null): this {
    if (s === null) return this.uvarint(0);
    const b = Buffer.from(s, 'utf8');
    return this.uvarint(b.length + 1).raw(b);
  }

  compactBytes(b: Uint8Array | null): this {
    if (b === null) return this.uvarint(0);
    return this.uvarint(b.length + 1).raw(b);
  }

  array<T>(items: readonly T[] | null, each: (w: this, item: T) => void): this {
    if (items === null) return this.int32(-1);
    this.int32(items.length);
    for (const item of items) each(this, item);
    return this;
  }

  compactArray<T>(items: readonly T[] | null, each: (w: this, item: T) => void): this {
    if (items === null) return this.uvarint(0);
    this.uvarint(items.length + 1);
    for (const item of items) each(this, item);
    return this;
  }

  /** An empty tagged-field section: kstream sends no tagged fields. */
  tags(): this { return this.uvarint(0); }

  toBuffer(): Buffer { return this.buf.subarray(0, this.len); }
}

export class WireError extends Error {}

export class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  private need(n: number): number {
    if (this.pos + n > this.buf.length) throw new WireError(`response ends early: needs ${n} bytes at ${this.pos} of ${this.buf.length}`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  int8(): number { return this.buf.readInt8(this.need(1)); }
  bool(): boolean { return this.int8() !== 0; }
  int16(): number { return this.buf.readInt16BE(this.need(2)); }
  int32(): number { return this.buf.readInt32BE(this.need(4)); }
  int64(): bigint { return this.buf.readBigInt64BE(this.need(8)); }
  float64(): number { return this.buf.readDoubleBE(this.need(8)); }

  uvarint(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.buf[this.need(1)];
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
    }
    throw new WireError('malformed varint in response');
  }

  bytes(n: number): Buffer { const at = this.need(n); return this.buf.subarray(at, at + n); }

  string(): string | null {
    const n = this.int16();
    return n < 0 ? null : this.bytes(n).toString('utf8');
  }

  compactString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.bytes(n - 1).toString('utf8');
  }

  compactBytes(): Buffer | null {
    const n = this.uvarint();
    return n === 0 ? null : this.bytes(n - 1);
  }

  array<T>(each: (r: Reader) => T): T[] {
    const n = this.int32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(each(this));
    return out;
  }

  compactArray<T>(each: (r: Reader) => T): T[] {
    const n = this.uvarint();
    const out: T[] = [];
    for (let i = 1; i < n; i++) out.push(each(this));
    return out;
  }

  /** Skips a tagged-field section: kstream reads no tagged fields. */
  tags(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.bytes(this.uvarint());
    }
  }

  get remaining(): number { return this.buf.length - this.pos; }
}
