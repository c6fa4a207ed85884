// DescribeConfigs (API 32) and IncrementalAlterConfigs (API 44), encoded by kstream
// (src/kafka/protocol). kafkajs has DescribeConfigs, but refuses the resource types it does not
// list (groups: 32, client metrics: 16) and the empty name of the cluster-wide broker default; and
// it has only the legacy AlterConfigs, which replaces every config of a resource at once, so a
// read-modify-write with it loses a change another client makes in between (KIP-339, which added
// IncrementalAlterConfigs for exactly that). Both requests are answered resource by resource.
import type { RawRequest } from '../protocol/request.js';
import type { Reader, Writer } from '../protocol/wire.js';
import { errorName } from '../protocol/errors.js';
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

function itemError(code: number, message: string | null): ItemError | undefined {
  const name = errorName(code);
  return name === undefined ? undefined : { code: name, message: message ?? name };
}

/** One resource's configs: `names` only those (all when undefined), with their synonyms. */
export function describeConfigsRequest(resource: ConfigResource, version: number, names?: string[]): RawRequest<ConfigsResult> {
  const flexible = version >= DESCRIBE_CONFIGS.firstFlexible;
  const c = codec(flexible);
  return {
    apiKey: DESCRIBE_CONFIGS.apiKey,
    apiName: DESCRIBE_CONFIGS.apiName,
    apiVersion: version,
    flexible,
    encode: (w) => {
      c.arr(w, [resource], (res) => {
        w.int8(RESOURCE_CODES[res.type]);
        c.str(w, res.name);
        c.arr(w, names ?? null, (n) => c.str(w, n));
        c.endW(w);
      });
      w.bool(true); // include_synonyms
      if (version >= 3) w.bool(false); // include_documentation
      c.endW(w);
    },
    decode: (r) => {
      r.int32(); // throttle_time_ms
      const results = c.readArr(r, () => {
        const error = itemError(r.int16(), c.readStr(r));
        r.int8(); // resource_type
        c.readStr(r); // resource_name
        const entries = c.readArr(r, () => readEntry(r, version, c));
        c.endR(r);
        return { error, entries };
      });
      c.endR(r);
      return results[0] ?? { entries: [] };
    },
  };
}

function readEntry(r: Reader, version: number, c: ReturnType<typeof codec>): ConfigEntry {
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
  const flexible = version >= INCREMENTAL_ALTER_CONFIGS.firstFlexible;
  const c = codec(flexible);
  return {
    apiKey: INCREMENTAL_ALTER_CONFIGS.apiKey,
    apiName: INCREMENTAL_ALTER_CONFIGS.apiName,
    apiVersion: version,
    flexible,
    encode: (w) => {
      c.arr(w, [resource], (res) => {
        w.int8(RESOURCE_CODES[res.type]);
        c.str(w, res.name);
        c.arr(w, changes, (ch) => {
          c.str(w, ch.name);
          w.int8(OPS[ch.op]);
          c.str(w, ch.op === 'set' ? ch.value : null);
          c.endW(w);
        });
        c.endW(w);
      });
      w.bool(validateOnly);
      c.endW(w);
    },
    decode: (r) => {
      r.int32(); // throttle_time_ms
      const errors = c.readArr(r, () => {
        const error = itemError(r.int16(), c.readStr(r));
        r.int8(); // resource_type
        c.readStr(r); // resource_name
        c.endR(r);
        return error;
      });
      c.endR(r);
      // An object, never undefined: kafkajs reads fields of every response it is handed back.
      return { error: errors[0] };
    },
  };
}

/**
 * A broker's own configs (and its loggers') are only known to that broker, so those requests go to
 * it; a topic's, a group's and the cluster-wide default may go to any broker. undefined: any.
 */
export function brokerFor(resource: ConfigResource): number | undefined {
  if ((resource.type === 'brokers' || resource.type === 'broker-loggers') && resource.name !== '') return Number(resource.name);
  return undefined;
}
