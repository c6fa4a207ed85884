// consume's --value-format and --key-format: which records to decode, and with what.
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import type { RecordFormatter } from '../commands/consume/format.js';
import { DATA_FORMATS, decodingFormatter, RecordDecoder, type DataFormat } from './decoder.js';
import type { RegistryApi } from './registry-api.js';
import { SchemaStore } from './store.js';

export const DECODE_OPTIONS = {
  'value-format': { choices: DATA_FORMATS, requiresArg: true, describe: 'Decode values by their schema id: avro, protobuf, json-schema, auto (any in the wire format; the default with --schema-registry) or raw' },
  'key-format': { choices: DATA_FORMATS, requiresArg: true, describe: 'The same for keys' },
} as const;

export interface DecodeArgs {
  valueFormat?: DataFormat;
  keyFormat?: DataFormat;
}

/** The formats asked for: auto when a registry is configured, else raw; a schema format needs a registry. */
export function dataFormats(a: DecodeArgs, registry: boolean): { key: DataFormat; value: DataFormat } {
  const fallback: DataFormat = registry ? 'auto' : 'raw';
  const key = a.keyFormat ?? fallback;
  const value = a.valueFormat ?? fallback;
  if (!registry) {
    for (const [flag, f] of [['--key-format', key], ['--value-format', value]] as const) {
      if (f !== 'raw') throw new UsageError(`${flag} ${f} needs a schema registry`, { hint: 'pass --schema-registry URL, or set schemaRegistry in the profile' });
    }
  }
  return { key, value };
}

/** The decoder, or undefined when nothing is decoded: then consume keeps its direct byte path. */
export function decoderFor(ctx: Context, a: DecodeArgs, registry: RegistryApi | undefined, isNotFound: (err: unknown) => boolean): RecordDecoder | undefined {
  const { key, value } = dataFormats(a, registry !== undefined);
  if (!registry || (key === 'raw' && value === 'raw')) return undefined;
  return new RecordDecoder(new SchemaStore(registry, isNotFound), key, value, ctx.warn);
}

export function withDecoding(decoder: RecordDecoder | undefined, format: RecordFormatter): RecordFormatter {
  return decoder ? decodingFormatter(decoder, format) : format;
}
