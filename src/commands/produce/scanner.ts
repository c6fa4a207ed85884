/**
 * Finds records in a byte stream at a delimiter, as offsets into one buffer: no object per
 * record, which is what lets produce keep up with kcat. The same rules as LineSplitter (lines.ts):
 * a trailing \r dropped with stripCr, a record longer than `maxBytes` refused with the records
 * before it returned, a last record without a delimiter taken at the end.
 */
export class LineScanner {
  /** The buffer the offsets of the last push() or end() point into... */
  data: Buffer = Buffer.alloc(0);
  /** ...except record 0's when it began in an earlier chunk: it is then copied whole into `head`. */
  head: Buffer | undefined;
  starts = new Int32Array(1024);
  ends = new Int32Array(1024);
  private rest: Buffer | undefined;
  /** Records found so far, i.e. the number of the last one. */
  count = 0;
  /** Set when a record was longer than the limit; the records before it were returned. */
  error: Error | undefined;

  constructor(
    private readonly delimiter: Buffer,
    private readonly maxBytes: number,
    private readonly stripCr: boolean,
    private readonly tooLong: (n: number) => Error,
  ) {}

  /** Scans `chunk`; returns how many complete records it ended (offsets in starts/ends). */
  push(chunk: Buffer): number {
    if (this.error) return 0;
    this.head = undefined;
    const step = this.delimiter.length;
    const single = step === 1 ? this.delimiter[0]! : -1;
    let n = 0;
    let start = 0;
    let data = chunk;
    if (this.rest) {
      // Only the record cut by the last chunk's edge is copied, not the rest of this chunk.
      const restLength = this.rest.length;
      const first = single >= 0 ? chunk.indexOf(single) : chunk.indexOf(this.delimiter);
      const joined = Buffer.concat([this.rest, first === -1 ? chunk : chunk.subarray(0, first + step)]);
      const from = Math.max(restLength - step + 1, 0);
      const at = single >= 0 ? joined.indexOf(single, from) : joined.indexOf(this.delimiter, from);
      if (at === -1) {
        data = Buffer.concat([this.rest, chunk]);
      } else {
        this.rest = undefined;
        if (!this.take(0, joined, 0, at)) return 0;
        this.head = joined;
        n = 1;
        start = at + step - restLength;
      }
    }
    this.data = data;
    for (;;) {
      const at = single >= 0 ? data.indexOf(single, start) : data.indexOf(this.delimiter, start);
      if (at === -1) break;
      if (!this.take(n, data, start, at)) return n;
      n++;
      start = at + step;
    }
    this.rest = start < data.length ? data.subarray(start) : undefined;
    if (this.rest && this.rest.buffer === chunk.buffer) this.rest = Buffer.from(this.rest); // do not pin the whole chunk
    // A record can only grow by its delimiter's length and a \r beyond the limit before it is cut.
    if (this.rest && this.rest.length > this.maxBytes + step) this.error = this.tooLong(this.count + 1);
    return n;
  }

  /** The last record when the input does not end with the delimiter: 0 or 1. */
  end(): number {
    const rest = this.rest;
    this.rest = undefined;
    if (!rest || rest.length === 0 || this.error) return 0;
    this.data = rest;
    this.head = undefined;
    return this.take(0, rest, 0, rest.length) ? 1 : 0;
  }

  /** The buffer record `i`'s offsets point into. */
  bufferOf(i: number): Buffer {
    return i === 0 && this.head ? this.head : this.data;
  }

  private take(n: number, data: Buffer, start: number, end: number): boolean {
    if (this.stripCr && end > start && data[end - 1] === 13) end--;
    if (end - start > this.maxBytes) {
      this.error = this.tooLong(this.count + 1);
      return false;
    }
    if (n === this.starts.length) this.growTo(n * 2);
    this.starts[n] = start;
    this.ends[n] = end;
    this.count++;
    return true;
  }

  private growTo(size: number): void {
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }
}
