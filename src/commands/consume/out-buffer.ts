/**
 * A growable byte buffer that output is rendered into, reused from one fetch response to the next so
 * a long run allocates nothing per record and its memory stays flat.
 *
 * Why `stage()`: on Node 20, Buffer.copy makes a Uint8Array view per call (~150 ns and garbage), which
 * was the largest cost of printing a record. A batch staged at the end of this buffer lives in the same
 * ArrayBuffer as the output, so its keys and values are moved with copyWithin: no view, no garbage.
 */
export class OutBuffer {
  buf: Buffer;
  len = 0;
  /** Output may grow up to here; a staged batch sits from here to the end. */
  private limit: number;

  constructor(initial = 1 << 20) {
    // Its own ArrayBuffer, never the shared pool of small Buffers: copyWithin below relies on that.
    this.buf = Buffer.allocUnsafeSlow(initial);
    this.limit = initial;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.len + n <= this.limit) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const grown = Buffer.allocUnsafeSlow(size);
    this.buf.copy(grown, 0, 0, this.len);
    // A staged batch stays readable in the old buffer (the cursor holds it); bytes() then copies from there.
    this.buf = grown;
    this.limit = size;
  }

  /** A copy of `records` inside this buffer, after the output, with room left for the output to grow. */
  stage(records: Buffer): Buffer {
    const n = records.length;
    if (this.len + 2 * n + 65536 > this.buf.length) {
      this.limit = this.buf.length;
      this.ensure(2 * n + 65536);
    }
    const at = this.buf.length - n;
    records.copy(this.buf, at);
    this.limit = at;
    return this.buf.subarray(at);
  }

  /** Copies `src[start, end)` unchanged. */
  bytes(src: Buffer, start: number, end: number): void {
    const n = end - start;
    this.ensure(n);
    if (n >= 16 && src.buffer === this.buf.buffer) {
      const from = src.byteOffset - this.buf.byteOffset + start;
      this.buf.copyWithin(this.len, from, from + n);
    } else if (n < 48) {
      // A native copy costs more than a short JS loop for small fields.
      const { buf } = this;
      let at = this.len;
      for (let i = start; i < end; i++) buf[at++] = src[i]!;
    } else {
      src.copy(this.buf, this.len, start, end);
    }
    this.len += n;
  }

  /** Copies a whole buffer (a pre-encoded literal). */
  literal(src: Buffer): void {
    this.bytes(src, 0, src.length);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** Text known to be ASCII (numbers, base64, hex, fixed labels). */
  ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    const { buf } = this;
    let at = this.len;
    for (let i = 0; i < n; i++) buf[at++] = s.charCodeAt(i);
    this.len = at;
  }

  /** Any text, as UTF-8. */
  utf8(s: string): void {
    this.ensure(s.length * 3);
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  /** A whole number in decimal, without making a string for it. */
  int(n: number): void {
    if (n < 0 || n > 0xffffffff * 1024 || !Number.isInteger(n)) {
      this.ascii(String(n));
      return;
    }
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits++;
    this.ensure(digits);
    const { buf } = this;
    let at = this.len + digits;
    this.len = at;
    do {
      const q = Math.floor(n / 10);
      buf[--at] = 48 + (n - q * 10);
      n = q;
    } while (n > 0);
  }

  /** The bytes rendered so far. Valid until the next write after `reset()`. */
  view(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  reset(): void {
    this.len = 0;
    this.limit = this.buf.length;
  }
}
