// produce's side of the serde: each record's key or value is read as JSON, checked and encoded with
// the schema, and framed in the wire format. A record that does not fit fails the run at that record
// (a UsageError naming the line and the field), before any of its bytes reach a batch.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { UsageError } from '../errors.js';
import type { ParsedRecord, RecordParser } from '../commands/produce/records.js';
import { SchemaError, SchemaMismatch, type Codec, type SchemaType } from './codec.js';
import { codecFor } from './codecs.js';
import type { RegistryApi } from './registry-api.js';
import { resolve } from './store.js';
import { frame } from './wire.js';

export const SUBJECT_STRATEGIES = ['topic', 'record', 'topic-record'] as const;
export type SubjectStrategy = (typeof SUBJECT_STRATEGIES)[number];

/** How one side (key or value) is to be encoded, as the flags say. */
export interface SchemaChoice {
  /** --value-schema-file */
  file?: string;
  /** --value-subject */
  subject?: string;
  /** --value-schema-version: a number or latest */
  version?: string;
  /** --value-message: the Protobuf message to encode with */
  message?: string;
}

export interface EncoderOptions {
  topic: string;
  register: boolean;
  strategy: SubjectStrategy;
}

/** A schema ready to encode with: its id in the registry and its codec. */
export interface Encoder {
  id: number;
  subject: string;
  codec: Codec;
}

export interface RecordEncoders {
  key?: Encoder;
  value?: Encoder;
  /** --input json: a string value that is not JSON text is taken as the JSON string itself. */
  lenientStrings: boolean;
}

const TYPE_BY_EXTENSION: Record<string, SchemaType> = { '.avsc': 'AVRO', '.proto': 'PROTOBUF', '.json': 'JSON' };

/** The registry's subject for a schema under a naming strategy (Confluent's TopicNameStrategy etc.). */
export function subjectName(strategy: SubjectStrategy, topic: string, side: 'key' | 'value', recordName: string | undefined): string {
  if (strategy === 'topic') return `${topic}-${side}`;
  if (!recordName) throw new UsageError(`--subject-strategy ${strategy} needs a schema with a record name`, { hint: 'give the Avro record a name, the JSON schema a "title", or use --subject-strategy topic' });
  return strategy === 'record' ? recordName : `${topic}-${recordName}`;
}

function parseVersion(text: string | undefined, flag: string): number | 'latest' {
  if (text === undefined || text === 'latest') return 'latest';
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${flag} must be a version number or latest (got '${text}')`);
  return Number(text);
}

/** Checks what can be checked without the registry: a file or a subject, not both. */
export function checkChoice(side: 'key' | 'value', c: SchemaChoice, register: boolean): void {
  if (c.version !== undefined && c.subject === undefined) throw new UsageError(`--${side}-schema-version needs --${side}-subject`);
  if (c.file !== undefined && c.version !== undefined) throw new UsageError(`--${side}-schema-file and --${side}-schema-version: pass the file, or a version of a subject`);
  if (register && c.file === undefined && c.subject !== undefined) throw new UsageError('--register registers a schema file', { hint: `add --${side}-schema-file` });
  if (c.file !== undefined && !TYPE_BY_EXTENSION[extname(c.file).toLowerCase()]) {
    throw new UsageError(`--${side}-schema-file ${c.file}: the name must end in .avsc (Avro), .proto (Protobuf) or .json (JSON Schema)`);
  }
}

/** Loads, registers or looks up the schema of one side; its id and codec. */
export async function prepareEncoder(registry: RegistryApi, side: 'key' | 'value', c: SchemaChoice, opts: EncoderOptions, isNotFound: (err: unknown) => boolean): Promise<Encoder> {
  const flag = `--${side}`;
  if (c.file === undefined) {
    const subject = c.subject!;
    let found;
    try {
      found = await registry.subjectVersion(subject, parseVersion(c.version, `${flag}-schema-version`));
    } catch (err) {
      if (isNotFound(err)) throw new UsageError(`the registry has no subject '${subject}'${c.version && c.version !== 'latest' ? ` version ${c.version}` : ''}`, { hint: 'see `kstream registry subjects list`, or register a schema with --value-schema-file F --register' });
      throw err;
    }
    return { id: found.id, subject, codec: await parsed(await resolve(registry, found), c.message, `${flag}-subject ${subject}`) };
  }
  let text: string;
  try {
    text = await readFile(c.file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${flag}-schema-file ${c.file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const schemaType = TYPE_BY_EXTENSION[extname(c.file).toLowerCase()]!;
  const codec = await parsed({ schemaType, schema: text }, c.message, `${flag}-schema-file ${c.file}`);
  const subject = c.subject ?? subjectName(opts.strategy, opts.topic, side, codec.recordName);
  const registered = { schema: text, schemaType: schemaType === 'AVRO' ? undefined : schemaType };
  if (opts.register) return { id: await registry.register(subject, registered), subject, codec };
  let known;
  try {
    known = await registry.lookup(subject, registered);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (!known) throw new UsageError(`${c.file} is not registered under subject '${subject}'`, { hint: 'pass --register to register it, or name the subject with --value-subject' });
  return { id: known.id, subject, codec };
}

async function parsed(s: Parameters<typeof codecFor>[0], message: string | undefined, what: string): Promise<Codec> {
  try {
    return await codecFor(s, { message });
  } catch (err) {
    if (err instanceof SchemaError) throw new UsageError(`${what}: ${err.message}`);
    throw err;
  }
}

/** Wraps a record parser so that the key and value it reads are encoded by their schemas. */
export function encodingParser(parse: RecordParser, enc: RecordEncoders): RecordParser {
  return (data, start, end, where, out) => {
    parse(data, start, end, where, out);
    if (enc.value && out.value) setValue(out, encodeSide(enc.value, out.value, out.valueStart, out.valueEnd, 'value', where, enc.lenientStrings));
    if (enc.key && out.key) setKey(out, encodeSide(enc.key, out.key, out.keyStart, out.keyEnd, 'key', where, enc.lenientStrings));
  };
}

function encodeSide(e: Encoder, buf: Buffer, start: number, end: number, side: string, where: () => string, lenient: boolean): Buffer {
  const text = buf.toString('utf8', start, end);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    if (!lenient) throw new UsageError(`${where()}: the ${side} is not JSON (${(err as Error).message})`, { hint: `a record encoded with a schema is one JSON ${side} per line` });
    json = text;
  }
  try {
    return frame(e.id, e.codec.encode(json));
  } catch (err) {
    if (!(err instanceof SchemaMismatch)) throw err;
    const field = err.field ? ` field '${err.field}'` : '';
    throw new UsageError(`${where()}: ${side}${field} does not match schema ${e.id} (subject ${e.subject}): ${err.problem}`);
  }
}

function setValue(out: ParsedRecord, v: Buffer): void {
  out.value = v;
  out.valueStart = 0;
  out.valueEnd = v.length;
}

function setKey(out: ParsedRecord, k: Buffer): void {
  out.key = k;
  out.keyStart = 0;
  out.keyEnd = k.length;
}

/** Both sides' encoders, from produce's schema flags. */
export async function prepareEncoders(
  registry: RegistryApi,
  isNotFound: (err: unknown) => boolean,
  schemas: { key?: SchemaChoice; value?: SchemaChoice; register: boolean; strategy: SubjectStrategy },
  topic: string,
  input: 'text' | 'json',
): Promise<RecordEncoders> {
  const opts = { topic, register: schemas.register, strategy: schemas.strategy };
  return {
    key: schemas.key && (await prepareEncoder(registry, 'key', schemas.key, opts, isNotFound)),
    value: schemas.value && (await prepareEncoder(registry, 'value', schemas.value, opts, isNotFound)),
    lenientStrings: input === 'json',
  };
}
