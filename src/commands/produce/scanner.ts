/**
 * Finds records in a byte stream at a delimiter, as offsets into one buffer: no object per
 * record, which is what lets produce keep up with kcat. The same rules as LineSplitter (lines.ts):
 * a trailing \r dropped with stripCr, a record longer than `maxBytes` refused with the records
 * before it returned, a last record without a delimiter taken at the end.
 */
export class LineScanner {
  /** The buffer the offsets of the last push() or end() point into. */
  data: Buffer = Buffer.alloc(0);
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
    // Only a record cut by the chunk's edge is copied, together with this chunk.
    const data = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.data = data;
    const step = this.delimiter.length;
    const single = step === 1 ? this.delimiter[0]! : -1;
    let n = 0;
    let start = 0;
    for (;;) {
      const at = single >= 0 ? data.indexOf(single, start) : data.indexOf(this.delimiter, start);
      if (at === -1) break;
      if (!this.take(n, data, start, at)) return n;
      n++;
      start = at + step;
    }
    this.rest = start < data.length ? data.subarray(start) : undefined;
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
    return this.take(0, rest, 0, rest.length) ? 1 : 0;
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
