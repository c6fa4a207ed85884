// Decompression of a record batch's records section, for reading. Each codec's package is loaded on
// first use: gzip is Node's zlib; snappy, lz4 and zstd are the packages produce already depends on.
import { createRequire } from 'node:module';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { Compression, type BatchHeader } from './decode-batch.js';
import { CorruptBatchError } from './decode-error.js';
import { noteGarbage } from '../fetch/young-gc.js';

const require = createRequire(import.meta.url);
const gunzipAsync = promisify(gunzip);

type Inflate = (data: Buffer) => Promise<Buffer> | Buffer;

let snappy: Inflate | undefined;
let lz4: Inflate | undefined;
let zstd: Inflate | undefined;

/** Java's SnappyOutputStream (xerial) frame: magic, version, compatible version, then sized blocks. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER = 16;

function snappyInflate(): Inflate {
  const raw = require('snappyjs') as { uncompress(b: Buffer): Buffer };
  return (data) => {
    // Java clients write xerial frames; librdkafka and kafkajs write one raw snappy block.
    if (data.length < XERIAL_HEADER || !data.subarray(0, 8).equals(XERIAL_MAGIC)) return raw.uncompress(data);
    const blocks: Buffer[] = [];
    let pos = XERIAL_HEADER;
    while (pos < data.length) {
      if (pos + 4 > data.length) throw new Error('xerial frame ends inside a block length');
      const size = data.readInt32BE(pos);
      pos += 4;
      if (size < 0 || pos + size > data.length) throw new Error(`xerial block of ${size} bytes runs past the frame`);
      blocks.push(raw.uncompress(data.subarray(pos, pos + size)));
      pos += size;
    }
    return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks);
  };
}

function codec(compression: number): Inflate {
  switch (compression) {
    case Compression.gzip:
      return gunzipAsync;
    case Compression.snappy:
      return (snappy ??= snappyInflate());
    case Compression.lz4:
      // Kafka's LZ4 (magic 2) is the standard LZ4 frame format.
      return (lz4 ??= (require('lz4-napi') as { decompressFrameSync(b: Buffer): Buffer }).decompressFrameSync);
    case Compression.zstd:
      return (zstd ??= (require('@mongodb-js/zstd') as { decompress(b: Buffer): Promise<Buffer> }).decompress);
    default:
      throw new Error(`unknown compression code ${compression}`);
  }
}

const NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** The records section of `batch`, decompressed; the section itself when it is not compressed. */
export async function batchRecords(batch: BatchHeader, where?: string): Promise<Buffer> {
  if (batch.compression === Compression.none) return batch.records;
  try {
    const out = await codec(batch.compression)(batch.records);
    noteGarbage(out.length);
    return Buffer.isBuffer(out) ? out : Buffer.from((out as Uint8Array).buffer, (out as Uint8Array).byteOffset, (out as Uint8Array).byteLength);
  } catch (err) {
    const name = NAMES[batch.compression] ?? `code ${batch.compression}`;
    throw new CorruptBatchError(`cannot decompress the ${name} batch at offset ${batch.baseOffset}: ${oneLine(err)}`, where);
  }
}

function oneLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!;
}
