// Protobuf bodies through protobufjs, which parses .proto text at run time: the registry hands out
// schemas as .proto source, and @bufbuild/protobuf needs descriptors compiled ahead of time (its
// runtime compiler is an early experiment). JSON is proto3's JSON mapping: lowerCamelCase names,
// 64-bit integers as strings, bytes in base64, enums by name; fields left at their default print too.
import protobuf from 'protobufjs';
import { BodyError, describeValue, pathJoin, SchemaError, SchemaMismatch, type Codec, type ResolvedReference } from './codec.js';
import { readMessageIndexes, writeMessageIndexes, WireFormatError } from './wire.js';

const TO_JSON = { longs: String, enums: String, bytes: String, defaults: true, json: true } as const;

export interface ProtobufOptions {
  /** The message to encode with, by name (or full name); by default the first in the file. */
  message?: string;
}

export function protobufCodec(schemaText: string, references: ResolvedReference[] = [], opts: ProtobufOptions = {}): Codec {
  const { root, file } = parseFile(schemaText, references);
  const top = messagesOf(file);
  if (top.length === 0) throw new SchemaError('the .proto schema defines no message');
  const target = opts.message === undefined ? top[0]! : findMessage(root, opts.message);
  const targetBody = writeMessageIndexes(indexesOf(target, top));
  const byPath = new Map<string, protobuf.Type>();
  return {
    type: 'PROTOBUF',
    recordName: target.fullName.replace(/^\./, ''),
    decode(buf, start, end) {
      let type: protobuf.Type;
      let at: number;
      try {
        const { indexes, next } = readMessageIndexes(buf, start, end);
        const key = indexes.join('.');
        type = byPath.get(key) ?? typeAt(top, indexes);
        byPath.set(key, type);
        at = next;
      } catch (err) {
        if (err instanceof WireFormatError || err instanceof SchemaError) throw new BodyError(err.message);
        throw err;
      }
      let message: protobuf.Message;
      try {
        message = type.decode(buf.subarray(at, end));
      } catch (err) {
        throw new BodyError(`not readable as Protobuf ${type.name} (${(err as Error).message})`);
      }
      return JSON.stringify(inFieldOrder(type, type.toObject(message, TO_JSON)));
    },
    encode(value) {
      check(target, value, '');
      const body = target.encode(target.fromObject(value as Record<string, unknown>)).finish();
      return Buffer.concat([targetBody, body]);
    },
  };
}

function parseFile(text: string, references: ResolvedReference[]): { root: protobuf.Root; file: protobuf.Namespace } {
  const root = new protobuf.Root();
  try {
    const parsed = protobuf.parse(text, root);
    const given = new Map(references.map((r) => [r.name, r.schema]));
    const pending = [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])];
    const seen = new Set<string>();
    while (pending.length > 0) {
      const name = pending.shift()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const common = protobuf.common.get(name);
      if (common) {
        root.addJSON(common.nested ?? {});
        continue;
      }
      const source = given.get(name);
      if (source === undefined) throw new SchemaError(`the .proto schema imports ${name}, which is neither a reference of it nor a well-known type`);
      const sub = protobuf.parse(source, root);
      pending.push(...(sub.imports ?? []));
    }
    root.resolveAll();
    const file = parsed.package ? root.lookup(parsed.package) : root;
    if (!(file instanceof protobuf.Namespace)) throw new SchemaError(`package ${parsed.package} is not a namespace`);
    return { root, file };
  } catch (err) {
    if (err instanceof SchemaError) throw err;
    throw new SchemaError(`the .proto schema does not parse (${(err as Error).message})`);
  }
}

/**
 * The messages a namespace declares, in order. Imported files that share the package add their
 * messages to the same namespace: the parse of the schema itself comes first, so its own keep their places.
 */
function messagesOf(ns: protobuf.Namespace): protobuf.Type[] {
  return ns.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type);
}

function typeAt(top: protobuf.Type[], indexes: number[]): protobuf.Type {
  let list = top;
  let type: protobuf.Type | undefined;
  for (const i of indexes) {
    type = list[i];
    if (!type) throw new SchemaError(`the record's message indexes [${indexes.join(', ')}] name no message of its schema`);
    list = messagesOf(type);
  }
  return type!;
}

function indexesOf(type: protobuf.Type, top: protobuf.Type[]): number[] {
  const path: number[] = [];
  for (let t: protobuf.ReflectionObject | null = type; t instanceof protobuf.Type; t = t.parent) {
    const siblings = t.parent instanceof protobuf.Type ? messagesOf(t.parent) : top;
    path.unshift(siblings.indexOf(t));
  }
  return path;
}

function findMessage(root: protobuf.Root, name: string): protobuf.Type {
  try {
    return root.lookupType(name);
  } catch {
    throw new SchemaError(`the .proto schema has no message ${name}`);
  }
}

/** The fields in the order the schema declares them (toObject puts repeated and map fields first). */
function inFieldOrder(type: protobuf.Type, obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of type.fieldsArray) if (f.name in obj) out[f.name] = obj[f.name];
  return out;
}

const INTEGER32 = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const INTEGER64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/**
 * Checks a JSON value against a message before fromObject, which would quietly coerce a wrong type
 * (a string into 0) or drop an unknown field.
 */
function check(type: protobuf.Type, value: unknown, path: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SchemaMismatch(path, `expected a ${type.name} object, got ${describeValue(value)}`);
  }
  for (const [name, v] of Object.entries(value)) {
    const field = type.fields[name] ?? type.fieldsArray.find((f) => f.options?.json_name === name);
    const at = pathJoin(path, name);
    if (!field) throw new SchemaMismatch(at, `${type.name} has no such field`);
    if (v === null) continue;
    field.resolve();
    if (field.map) {
      if (typeof v !== 'object' || Array.isArray(v)) throw new SchemaMismatch(at, `expected a map (an object), got ${describeValue(v)}`);
      for (const [k, item] of Object.entries(v as object)) checkScalar(field, item, pathJoin(at, k));
    } else if (field.repeated) {
      if (!Array.isArray(v)) throw new SchemaMismatch(at, `expected an array, got ${describeValue(v)}`);
      v.forEach((item, i) => checkScalar(field, item, pathJoin(at, i)));
    } else {
      checkScalar(field, v, at);
    }
  }
}

function checkScalar(field: protobuf.Field, v: unknown, at: string): void {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return check(resolved, v, at);
  const bad = (what: string) => new SchemaMismatch(at, `expected ${what}, got ${describeValue(v)}`);
  if (resolved instanceof protobuf.Enum) {
    if (typeof v === 'string' ? !(v in resolved.values) : !(typeof v === 'number' && Number.isInteger(v))) throw bad(`one of ${Object.keys(resolved.values).join(', ')}`);
    return;
  }
  const t = field.type;
  if (t === 'string' && typeof v !== 'string') throw bad('a string');
  if (t === 'bool' && typeof v !== 'boolean') throw bad('true or false');
  if (t === 'bytes' && typeof v !== 'string') throw bad('base64 text');
  if ((t === 'double' || t === 'float') && typeof v !== 'number' && !['NaN', 'Infinity', '-Infinity'].includes(v as string)) throw bad('a number');
  if (INTEGER32.has(t) && !(typeof v === 'number' && Number.isInteger(v))) throw bad(`an integer (${t})`);
  if (INTEGER64.has(t) && !((typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v)))) throw bad(`an integer or a string of digits (${t})`);
}
