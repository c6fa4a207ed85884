// CRC-32C (Castagnoli) of RecordBatch v2, over the bytes from `attributes` to the end of the batch.
// @node-rs/crc32 computes it with SSE4.2/SIMD at ~2.4 GB/s, far faster than a JS table loop.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const native = require('@node-rs/crc32') as { crc32c(input: Buffer | string, initialState?: number): number };

/** CRC-32C of `buf` (a view; use `subarray` for a range). */
export function crc32c(buf: Buffer): number {
  return native.crc32c(buf) >>> 0;
}
