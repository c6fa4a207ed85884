// Compressors for the records section of a RecordBatch, in the exact forms Kafka's Java client
// writes, so every reader (Java, librdkafka, kafkajs) takes them:
//   gzip   - a gzip member (java.util.zip.GZIPOutputStream), node's zlib.
//   snappy - xerial snappy-java framing (SnappyOutputStream): a 16-byte header, then blocks of
//            at most 32 KiB input, each as a big-endian int32 length and a raw snappy block.
//            librdkafka and Java also read a bare snappy block, but Java writes the framing.
//   lz4    - the standard LZ4 frame (KafkaLZ4BlockOutputStream since magic v1 fixed its checksum):
//            independent blocks, no content size; lz4-napi writes exactly that.
//   zstd   - a standard zstd frame (zstd-jni's ZstdOutputStream), level 3 like Java's default.
// Each native package is loaded only when its codec is chosen.
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { UsageError } from '../../errors.js';
import type { CompressionName, Compressor } from './encode.js';

const require = createRequire(import.meta.url);
const gzip = promisify(gzipCb);

const XERIAL_HEADER = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
const XERIAL_BLOCK = 32 << 10;

type Loader = { pkg: string; load: () => Compressor };

const LOADERS: Record<Exclude<CompressionName, 'none' | 'gzip'>, Loader> = {
  snappy: {
    pkg: 'snappyjs',
    load: () => {
      const snappy = require('snappyjs') as { compress(b: Uint8Array): Uint8Array };
      return (records) => xerialFrame(records, (block) => snappy.compress(block));
    },
  },
  lz4: {
    pkg: 'lz4-napi',
    load: () => {
      const lz4 = require('lz4-napi') as { compressFrame(b: Buffer): Promise<Buffer> };
      return (records) => lz4.compressFrame(records);
    },
  },
  zstd: {
    pkg: '@mongodb-js/zstd',
    load: () => {
      const zstd = require('@mongodb-js/zstd') as { compress(b: Buffer, level?: number): Promise<Buffer> };
      return (records) => zstd.compress(records, 3);
    },
  },
};

/** The compressor for `name` (undefined for none); a codec whose package fails to load is bad setup. */
export function compressorFor(name: CompressionName): Compressor | undefined {
  if (name === 'none') return undefined;
  if (name === 'gzip') return (records) => gzip(records);
  const { pkg, load } = LOADERS[name];
  try {
    return load();
  } catch (err) {
    throw new UsageError(`--compression ${name} needs the package ${pkg}, which failed to load: ${(err as Error).message.split('\n')[0]}`, {
      hint: `reinstall kstream's dependencies (npm install), or choose another --compression`,
    });
  }
}

/** Snappy blocks in xerial's framing, as snappy-java's SnappyOutputStream writes them. */
export function xerialFrame(data: Buffer, compressBlock: (block: Buffer) => Uint8Array): Buffer {
  const parts: Uint8Array[] = [XERIAL_HEADER];
  let total = XERIAL_HEADER.length;
  for (let at = 0; at < data.length; at += XERIAL_BLOCK) {
    const block = compressBlock(data.subarray(at, Math.min(at + XERIAL_BLOCK, data.length)));
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
    total += 4 + block.length;
  }
  return Buffer.concat(parts, total);
}
