import { createRequire } from 'node:module';
import { loadKafkajs } from '../../kafkajs.js';
import { UsageError } from '../../errors.js';
import type { Compression } from './options.js';

/** kafkajs's codec interface: compress takes its Encoder, whose `buffer` holds the records. */
interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

const require = createRequire(import.meta.url);

// Each package is loaded only when its compression is chosen (kafkajs ships gzip only).
const CODECS: Record<'snappy' | 'lz4' | 'zstd', { pkg: string; make: () => Codec }> = {
  snappy: {
    pkg: 'kafkajs-snappy',
    make: () => (require('kafkajs-snappy') as () => Codec)(),
  },
  lz4: {
    pkg: 'lz4-napi',
    make: () => {
      // Kafka's LZ4 is the standard LZ4 frame format.
      const lz4 = require('lz4-napi') as { compressFrame(b: Buffer): Promise<Buffer>; decompressFrame(b: Buffer): Promise<Buffer> };
      return { compress: (e) => lz4.compressFrame(e.buffer), decompress: (b) => lz4.decompressFrame(b) };
    },
  },
  zstd: {
    pkg: '@mongodb-js/zstd',
    make: () => {
      const zstd = require('@mongodb-js/zstd') as { compress(b: Buffer, level?: number): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> };
      return { compress: (e) => zstd.compress(e.buffer, 3), decompress: (b) => zstd.decompress(b) };
    },
  },
};

/** The kafkajs CompressionTypes value for `compression`, registering its codec first if needed. */
export async function useCompression(compression: Compression): Promise<number> {
  const { CompressionTypes, CompressionCodecs } = await loadKafkajs();
  const types = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD };
  if (compression === 'none' || compression === 'gzip') return types[compression];
  const { pkg, make } = CODECS[compression];
  let codec: Codec;
  try {
    codec = make();
  } catch (err) {
    throw new UsageError(`--compression ${compression} needs the package ${pkg}, which failed to load: ${(err as Error).message.split('\n')[0]}`, {
      hint: `reinstall kstream's dependencies (npm install), or choose another --compression`,
    });
  }
  (CompressionCodecs as Record<number, () => Codec>)[types[compression]] = () => codec;
  return types[compression];
}
