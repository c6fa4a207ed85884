// DescribeConfigs (API 32) and IncrementalAlterConfigs (API 44), encoded by kstream
// (src/kafka/protocol). kafkajs has DescribeConfigs, but refuses the resource types it does not
// list (groups: 32, client metrics: 16) and the empty name of the cluster-wide broker default; and
// it has only the legacy AlterConfigs, which replaces every config of a resource at once, so a
// read-modify-write with it loses a change another client makes in between (KIP-339, which added
// IncrementalAlterConfigs for exactly that). Both requests are answered resource by resource.
import type { RawRequest } from '../protocol/request.js';
import type { Reader, Writer } from '../protocol/wire.js';
import { itemError } from '../protocol/errors.js';
import type { ConfigChange, ConfigEntry, ConfigResource, ConfigResourceType, ConfigSource, ItemError } from '../types.js';

export const DESCRIBE_CONFIGS = { apiKey: 32, apiName: 'DescribeConfigs', min: 1, max: 4, firstFlexible: 4 } as const;
export const INCREMENTAL_ALTER_CONFIGS = { apiKey: 44, apiName: 'IncrementalAlterConfigs', min: 0, max: 1, firstFlexible: 1 } as const;

/** Kafka's ConfigResource.Type codes. */
const RESOURCE_CODES: Record<ConfigResourceType, number> = { topics: 2, brokers: 4, 'broker-loggers': 8, 'client-metrics': 16, groups: 32 };

/** Kafka's ConfigSource codes, in order. */
const SOURCES: ConfigSource[] = [
  'UNKNOWN', 'DYNAMIC_TOPIC_CONFIG', 'DYNAMIC_BROKER_CONFIG', 'DYNAMIC_DEFAULT_BROKER_CONFIG', 'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG', 'DYNAMIC_BROKER_LOGGER_CONFIG', 'DYNAMIC_CLIENT_METRICS_CONFIG', 'DYNAMIC_GROUP_CONFIG',
];

const OPS = { set: 0, delete: 1 } as const;

export interface ConfigsResult {
  error?: ItemError;
  entries: ConfigEntry[];
}

/** Classic (INT16 lengths) or flexible (compact lengths, tagged fields) encoding of one version. */
function codec(flexible: boolean) {
  return {
    str: (w: Writer, s: string | null) => (flexible ? w.compactString(s) : w.string(s)),
    arr: <T>(w: Writer, items: readonly T[] | null, each: (item: T) => void) =>
      flexible ? w.compactArray(items, (_, i) => each(i)) : w.array(items, (_, i) => each(i)),
    endW: (w: Writer) => { if (flexible) w.tags(); },
    readStr: (r: Reader) => (flexible ? r.compactString() : r.string()),
    readArr: <T>(r: Reader, each: (r: Reader) => T) => (flexible ? r.compactArray(each) : r.array(each)),
    endR: (r: Reader) => { if (flexible) r.tags(); },
  };
}

type Codec = ReturnType<typeof codec>;

/**
 * Both APIs send an array of resources (type, name, then fields of their own) and answer one
 * result per resource (error, type, name, then fields of their own); kstream sends one resource.
 */
function oneResourceRequest<T>(
  api: { apiKey: number; apiName: string; firstFlexible: number },
  resource: ConfigResource,
  version: number,
  parts: {
    /** The resource's own fields, after its type and name. */
    fields: (w: Writer, c: Codec) => void;
    /** The request's fields after the resources. */
    options: (w: Writer) => void;
    /** The result's own fields, after its type and name. */
    result: (r: Reader, c: Codec, error: ItemError | undefined) => T;
    /** What a response without a result stands for. */
    none: T;
  },
): RawRequest<T> {
  const flexible = version >= api.firstFlexible;
  const c = codec(flexible);
  return {
    apiKey: api.apiKey,
    apiName: api.apiName,
    apiVersion: version,
    flexible,
    encode: (w) => {
      c.arr(w, [resource], (res) => {
        w.int8(RESOURCE_CODES[res.type]);
        c.str(w, res.name);
        parts.fields(w, c);
        c.endW(w);
      });
      parts.options(w);
      c.endW(w);
    },
    decode: (r) => {
      r.int32(); // throttle_time_ms
      const results = c.readArr(r, () => {
        const error = itemError(r.int16(), c.readStr(r));
        r.int8(); // resource_type
        c.readStr(r); // resource_name
        const result = parts.result(r, c, error);
        c.endR(r);
        return result;
      });
      c.endR(r);
      return results[0] ?? parts.none;
    },
  };
}

/** One resource's configs: `names` only those (all when undefined), with their synonyms. */
export function describeConfigsRequest(resource: ConfigResource, version: number, names?: string[]): RawRequest<ConfigsResult> {
  return oneResourceRequest<ConfigsResult>(DESCRIBE_CONFIGS, resource, version, {
    fields: (w, c) => c.arr(w, names ?? null, (n) => c.str(w, n)),
    options: (w) => {
      w.bool(true); // include_synonyms
      if (version >= 3) w.bool(false); // include_documentation
    },
    result: (r, c, error) => ({ error, entries: c.readArr(r, () => readEntry(r, version, c)) }),
    none: { entries: [] },
  });
}

function readEntry(r: Reader, version: number, c: Codec): ConfigEntry {
  const name = c.readStr(r) ?? '';
  const value = c.readStr(r);
  const readOnly = r.bool();
  const source = SOURCES[r.int8()] ?? 'UNKNOWN';
  const sensitive = r.bool();
  const synonyms = c.readArr(r, () => {
    const s = { name: c.readStr(r) ?? '', value: c.readStr(r), source: SOURCES[r.int8()] ?? 'UNKNOWN' };
    c.endR(r);
    return s;
  });
  if (version >= 3) {
    r.int8(); // config_type
    c.readStr(r); // documentation
  }
  c.endR(r);
  return { name, value, source, readOnly, sensitive, synonyms };
}

export function incrementalAlterConfigsRequest(resource: ConfigResource, changes: ConfigChange[], version: number, validateOnly = false): RawRequest<{ error?: ItemError }> {
  return oneResourceRequest<{ error?: ItemError }>(INCREMENTAL_ALTER_CONFIGS, resource, version, {
    fields: (w, c) => c.arr(w, changes, (ch) => {
      c.str(w, ch.name);
      w.int8(OPS[ch.op]);
      c.str(w, ch.op === 'set' ? ch.value : null);
      c.endW(w);
    }),
    options: (w) => w.bool(validateOnly),
    result: (_r, _c, error) => ({ error }),
    // An object, never undefined: kafkajs reads fields of every response it is handed back.
    none: { error: undefined },
  });
}

/**
 * A broker's own configs (and its loggers') are only known to that broker, so those requests go to
 * it; a topic's, a group's and the cluster-wide default may go to any broker. undefined: any.
 */
export function brokerFor(resource: ConfigResource): number | undefined {
  if ((resource.type === 'brokers' || resource.type === 'broker-loggers') && resource.name !== '') return Number(resource.name);
  return undefined;
}
