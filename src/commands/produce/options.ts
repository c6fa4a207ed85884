import type { Options } from 'yargs';
import { UsageError } from '../../errors.js';
import type { ArgsOf } from '../args.js';
import { validateTopicName } from '../../kafka/topic.js';
import { parseInteger, parseKeyValues } from '../../util/kv.js';
import { ENCODE_OPTIONS, schemaOptions, type SchemaOptions } from '../../serde/produce-options.js';
import { registryOptions } from '../../serde/connect.js';

export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** How each text line yields its key. */
export type KeyMode =
  | { kind: 'none' }
  | { kind: 'fixed'; key: Buffer }
  | { kind: 'separator'; separator: Buffer; text: string; allowMissing: boolean };

/** Kafka's LineMessageReader format: `[headers DELIM] [key SEP] value`, with an optional null marker. */
export interface LineFormat {
  parseKey: boolean;
  keySeparator: string;
  headers?: { delimiter: string; separator: string; keySeparator: string };
  /** A key, value or header value equal to this is sent as null. */
  nullMarker?: string;
  /** A line without a separator gets a null key (or no headers) instead of failing. */
  ignoreError: boolean;
}

export interface ProduceOptions {
  topic: string;
  /** Set for Kafka's parse.headers or null.marker: the line is read as kafka-console-producer reads it. */
  lineFormat?: LineFormat;
  /** Files to read in order; empty means stdin. */
  files: string[];
  input: 'text' | 'json';
  key: KeyMode;
  /** Added to every record; a name given twice carries both values. */
  headers: Record<string, string | string[]>;
  partition?: number;
  /** A text value equal to this is sent as null (a tombstone). */
  nullValue?: Buffer;
  delimiter: Buffer;
  /** Drop a trailing \r: only when records are lines. */
  stripCr: boolean;
  /** Longest record accepted; undefined means what the topic accepts. */
  maxLineBytes?: number;
  acks: -1 | 0 | 1;
  compression: Compression;
  createTopic: boolean;
  partitions?: number;
  json: boolean;
  /** Copy each record read to stdout (kcat -T). */
  tee: boolean;
  quiet: boolean;
  /** Keys or values encoded by a registry schema (src/serde/encoder.ts). */
  schemas?: SchemaOptions;
}

/** produce's option table: its flags, typed; ProduceArgs is derived from it. */
export const PRODUCE_OPTIONS = {
  file: { alias: 'f', type: 'string', array: true, requiresArg: true, describe: 'Read this file instead of stdin (repeatable)' },
  'key-separator': { alias: 'K', type: 'string', requiresArg: true, describe: 'Split each line at the first SEP into key and value' },
  'allow-missing-key': { type: 'boolean', describe: 'With -K, a line without SEP gets a null key' },
  key: { alias: 'k', type: 'string', requiresArg: true, describe: 'The same key on every record' },
  property: { type: 'string', array: true, requiresArg: true, describe: 'Kafka console-producer style: parse.key=true, key.separator=SEP, parse.headers, null.marker…' },
  header: { alias: 'H', type: 'string', array: true, requiresArg: true, describe: 'Header key=value on every record (repeatable)' },
  partition: { alias: 'p', type: 'string', requiresArg: true, describe: 'Send every record to this partition' },
  input: { choices: ['text', 'json'] as const, requiresArg: true, describe: 'text, or json: one envelope per line as consume -o json prints' },
  'null-value': { type: 'string', describe: 'A value equal to STRING is sent as null (a tombstone)' },
  delimiter: { alias: 'D', type: 'string', requiresArg: true, describe: 'Record delimiter instead of newline (\\t, \\0 work)' },
  'max-line-bytes': { type: 'string', requiresArg: true, describe: "Longest record (default: the topic's max.message.bytes)" },
  acks: { type: 'string', choices: ['all', '1', '0'] as const, requiresArg: true, describe: 'Acknowledgements to wait for (default all)' },
  compression: { alias: 'z', choices: COMPRESSIONS, requiresArg: true, describe: 'Compression codec (default none)' },
  'create-topic': { type: 'boolean', describe: 'Create the topic if it does not exist' },
  partitions: { type: 'string', requiresArg: true, describe: 'Partitions for --create-topic' },
  output: { alias: 'o', choices: ['json'] as const, requiresArg: true, describe: 'json: {"partition","offset"} per record on stdout (produce has no table or plain output)' },
  tee: { type: 'boolean', describe: 'Also copy each record read to stdout, as tee does (kcat -T)' },
  quiet: { alias: 'q', type: 'boolean', describe: 'Print no summary or progress' },
  ...ENCODE_OPTIONS,
  ...registryOptions,
} satisfies Record<string, Options>;

/** The argv of produce: its option table's flags, camel-cased, and the topic. */
export type ProduceArgs = ArgsOf<typeof PRODUCE_OPTIONS> & { topic: string };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\' };

/** `\t`, `\n`, `\r`, `\0` and `\\` in separators, so `-K '\t'` works without shell quoting tricks. */
export function unescape(text: string): string {
  return text.replace(/\\([ntr0\\])/g, (_, c: string) => ESCAPES[c]!);
}

/** Kafka's console producer (LineMessageReader) properties, as `--property` or `--reader-property` give them. */
export interface ReaderProperties {
  parseKey: boolean;
  separator?: string;
  ignoreError: boolean;
  nullMarker?: string;
  parseHeaders: boolean;
  headersDelimiter: string;
  headersSeparator: string;
  headersKeySeparator: string;
}

const BOOLEAN_PROPERTIES = new Set(['parse.key', 'ignore.error', 'parse.headers']);

/** Kafka's console producer properties we honour, so lab commands paste as they are. */
export function parseProperties(items: string[] | undefined): ReaderProperties {
  const p: ReaderProperties = { parseKey: false, ignoreError: false, parseHeaders: false, headersDelimiter: '\t', headersSeparator: ',', headersKeySeparator: ':' };
  for (const [name, value] of parseKeyValues(items, '--property')) {
    // Kafka reads these booleans with Boolean.parseBoolean: anything but "true" is false.
    const on = value.trim().toLowerCase() === 'true';
    if (BOOLEAN_PROPERTIES.has(name)) {
      if (name === 'parse.key') p.parseKey = on;
      else if (name === 'ignore.error') p.ignoreError = on;
      else p.parseHeaders = on;
    } else if (name === 'key.separator') p.separator = value;
    else if (name === 'null.marker') p.nullMarker = value;
    else if (name === 'headers.delimiter') p.headersDelimiter = value;
    else if (name === 'headers.separator') p.headersSeparator = value;
    else if (name === 'headers.key.separator') p.headersKeySeparator = value;
    else {
      throw new UsageError(`unknown --property '${name}'`, {
        hint: 'kstream accepts parse.key, key.separator, ignore.error, null.marker, parse.headers, headers.delimiter, headers.separator and headers.key.separator; see `kstream produce --help`',
      });
    }
  }
  for (const [name, v] of [['key.separator', p.separator], ['headers.delimiter', p.headersDelimiter], ['headers.separator', p.headersSeparator], ['headers.key.separator', p.headersKeySeparator]] as const) {
    if (v === '') throw new UsageError(`--property ${name} cannot be empty`);
  }
  return p;
}

/** Kafka's line format when it needs more than a key split: headers before the key, or a null marker. */
function lineFormat(p: ReaderProperties): LineFormat | undefined {
  if (!p.parseHeaders && p.nullMarker === undefined) return undefined;
  return {
    parseKey: p.parseKey,
    keySeparator: p.separator ?? '\t',
    headers: p.parseHeaders ? { delimiter: p.headersDelimiter, separator: p.headersSeparator, keySeparator: p.headersKeySeparator } : undefined,
    nullMarker: p.nullMarker,
    ignoreError: p.ignoreError,
  };
}

function keyMode(args: ProduceArgs): KeyMode {
  const props = parseProperties(args.property);
  const ways = [args.keySeparator !== undefined, args.key !== undefined, props.parseKey].filter(Boolean).length;
  if (ways > 1) throw new UsageError('pass only one of --key-separator, --key and --property parse.key=true');
  // Kafka's ignore.error=true sends a line without the separator with a null key.
  if (props.ignoreError && props.parseKey) args = { ...args, allowMissingKey: true };
  if (args.allowMissingKey && args.keySeparator === undefined && !props.parseKey) {
    throw new UsageError('--allow-missing-key needs --key-separator', { hint: 'e.g. -K: --allow-missing-key' });
  }
  if (args.key !== undefined) return { kind: 'fixed', key: Buffer.from(args.key) };
  // Kafka's console producer splits at a tab when parse.key=true names no separator.
  const text = args.keySeparator !== undefined ? unescape(args.keySeparator) : props.parseKey ? (props.separator ?? '\t') : undefined;
  if (text === undefined) return { kind: 'none' };
  if (text === '') throw new UsageError('the key separator cannot be empty');
  return { kind: 'separator', separator: Buffer.from(text), text, allowMissing: Boolean(args.allowMissingKey) };
}

export function headersFrom(items: string[] | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of parseKeyValues(items, '--header')) {
    const prev = out[name];
    out[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
  return out;
}

function parseAcks(value: string | undefined): -1 | 0 | 1 {
  switch (value ?? 'all') {
    case 'all': case '-1': return -1;
    case '1': return 1;
    case '0': return 0;
    default: throw new UsageError(`--acks must be all, 1 or 0 (got '${value}')`);
  }
}

export function produceOptions(args: ProduceArgs): ProduceOptions {
  const input = args.input ?? 'text';
  const key = keyMode(args);
  if (input === 'json' && key.kind !== 'none') {
    throw new UsageError('--input json takes keys from each line\'s "key" field', { hint: 'drop --key, --key-separator and parse.key' });
  }
  if (args.tee && args.output === 'json') throw new UsageError('--tee and --output json both write to stdout; pass one');
  if (input === 'json' && args.nullValue !== undefined) {
    throw new UsageError('--null-value applies to text input; with --input json write "value":null');
  }
  if (args.partitions !== undefined && !args.createTopic) {
    throw new UsageError('--partitions applies only with --create-topic', { hint: 'or create the topic with `kstream topics create`' });
  }
  const delimiterText = args.delimiter === undefined ? '\n' : unescape(args.delimiter);
  if (delimiterText === '') throw new UsageError('--delimiter cannot be empty');
  const format = lineFormat(parseProperties(args.property));
  if (format && (input === 'json' || args.key !== undefined || args.keySeparator !== undefined || args.nullValue !== undefined)) {
    throw new UsageError('parse.headers and null.marker read lines as kafka-console-producer does', { hint: 'drop --input json, --key, --key-separator and --null-value, and say it with --property' });
  }
  return {
    topic: validateTopicName(args.topic),
    lineFormat: format,
    files: args.file ?? [],
    input,
    key,
    headers: headersFrom(args.header),
    partition: args.partition === undefined ? undefined : parseInteger(args.partition, '--partition', 0),
    nullValue: args.nullValue === undefined ? undefined : Buffer.from(args.nullValue),
    delimiter: Buffer.from(delimiterText),
    stripCr: delimiterText === '\n',
    maxLineBytes: args.maxLineBytes === undefined ? undefined : parseInteger(args.maxLineBytes, '--max-line-bytes', 1),
    acks: parseAcks(args.acks),
    compression: args.compression ?? 'none',
    createTopic: Boolean(args.createTopic),
    partitions: args.partitions === undefined ? undefined : parseInteger(args.partitions, '--partitions', 1),
    json: args.output === 'json',
    tee: Boolean(args.tee),
    quiet: Boolean(args.quiet),
    schemas: schemaOptions(args),
  };
}
