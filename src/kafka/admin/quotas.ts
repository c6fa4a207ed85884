// DescribeClientQuotas (API 48) and AlterClientQuotas (API 49), which kafkajs lacks. Quotas are not
// configs (KIP-546): kafka-configs.sh --entity-type clients|users|ips sends these, and so does
// `kstream configs` for those types. kstream sends the flexible v1 of both (Kafka 2.8+).
import type { RawRequest } from '../protocol/request.js';
import { itemError } from '../protocol/errors.js';
import type { ItemError } from '../types.js';

export const DESCRIBE_CLIENT_QUOTAS = { apiKey: 48, apiName: 'DescribeClientQuotas', min: 1, max: 1 } as const;
export const ALTER_CLIENT_QUOTAS = { apiKey: 49, apiName: 'AlterClientQuotas', min: 1, max: 1 } as const;

/** Kafka's quota entity types: client-id, user, ip. */
export type QuotaEntityType = 'client-id' | 'user' | 'ip';

/** One quota entity; name null is the default entity of its type (kafka-configs.sh --entity-default). */
export interface QuotaEntity {
  type: QuotaEntityType;
  name: string | null;
}

export interface QuotaValue {
  key: string;
  value: number;
}

export type QuotaChange = { op: 'set'; key: string; value: number } | { op: 'delete'; key: string };

/** The quotas of exactly this entity (match type 0 EXACT, or 1 DEFAULT for the default entity). */
export function describeClientQuotasRequest(entity: QuotaEntity): RawRequest<{ error?: ItemError; values: QuotaValue[] }> {
  return {
    ...DESCRIBE_CLIENT_QUOTAS,
    apiVersion: 1,
    flexible: true,
    encode: (w) => {
      w.compactArray([entity], (_, e) => {
        w.compactString(e.type).int8(e.name === null ? 1 : 0).compactString(e.name).tags();
      });
      w.bool(true); // strict: only entities with exactly this one component
      w.tags();
    },
    decode: (r) => {
      r.int32(); // throttle_time_ms
      const err = itemError(r.int16(), r.compactString());
      const values: QuotaValue[] = [];
      r.compactArray(() => {
        r.compactArray(() => { r.compactString(); r.compactString(); r.tags(); });
        values.push(...r.compactArray(() => {
          const v = { key: r.compactString() ?? '', value: r.float64() };
          r.tags();
          return v;
        }));
        r.tags();
      });
      r.tags();
      return { error: err, values: values.sort((a, b) => a.key.localeCompare(b.key)) };
    },
  };
}

export function alterClientQuotasRequest(entity: QuotaEntity, changes: QuotaChange[]): RawRequest<{ error?: ItemError }> {
  return {
    ...ALTER_CLIENT_QUOTAS,
    apiVersion: 1,
    flexible: true,
    encode: (w) => {
      w.compactArray([entity], (_, e) => {
        w.compactArray([e], (__, c) => { w.compactString(c.type).compactString(c.name).tags(); });
        w.compactArray(changes, (__, c) => {
          w.compactString(c.key).float64(c.op === 'set' ? c.value : 0).bool(c.op === 'delete').tags();
        });
        w.tags();
      });
      w.bool(false); // validate_only
      w.tags();
    },
    decode: (r) => {
      r.int32(); // throttle_time_ms
      const errors = r.compactArray(() => {
        const err = itemError(r.int16(), r.compactString());
        r.compactArray(() => { r.compactString(); r.compactString(); r.tags(); });
        r.tags();
        return err;
      });
      r.tags();
      return { error: errors.find((e) => e !== undefined) };
    },
  };
}
