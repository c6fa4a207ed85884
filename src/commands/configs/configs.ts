// The work of `kstream configs describe|alter`, on the Kafka layer's DescribeConfigs and
// IncrementalAlterConfigs: which entities, what Kafka's refusals mean, and the view.
import { KstreamError, ExitCode, UsageError } from '../../errors.js';
import type { KafkaAdmin } from '../../kafka/admin/index.js';
import { KafkaRequestError } from '../../kafka/errors.js';
import type { ConfigChange, ConfigEntry, ConfigResource, ConfigResourceType } from '../../kafka/types.js';
import type { View } from '../../output.js';
import type { QuotaEntity, QuotaValue } from '../../kafka/admin/quotas.js';
import { entityLabel, ownSource, type EntitySelection, type QuotaType } from './entity.js';

export interface EntityConfigs {
  entityType: ConfigResourceType;
  /** '' for the broker defaults. */
  entityName: string;
  configs: ConfigEntry[];
}

/** Every entity of the selection: the names given, or (none given) all topics, brokers or groups. */
export async function entityNames(admin: KafkaAdmin, sel: EntitySelection): Promise<string[]> {
  if (sel.names.length) return sel.names;
  switch (sel.type) {
    case 'topics': return (await admin.listTopics()).filter((t) => !t.startsWith('__')).sort();
    case 'brokers':
    case 'broker-loggers': return (await admin.describeCluster()).brokers.map((b) => String(b.nodeId)).sort((a, b) => Number(a) - Number(b));
    case 'groups': return (await admin.listGroups()).map((g) => g.groupId);
    case 'client-metrics': throw new UsageError('name the client-metrics resource', { hint: 'pass --entity-name NAME' });
    default: throw new UsageError(`name the ${entityLabel(sel.type, 'x').split(' ')[0]} whose quotas to show`, { hint: 'pass --entity-name NAME, or --entity-default' });
  }
}

export async function describeEntityConfigs(admin: KafkaAdmin, resource: ConfigResource, all: boolean): Promise<EntityConfigs> {
  const entries = await admin.describeConfigs(resource).catch((err) => { throw refusal(err, resource); });
  const own = ownSource(resource.type, resource.name);
  return { entityType: resource.type, entityName: resource.name, configs: all ? entries : entries.filter((e) => e.source === own) };
}

/**
 * Returns one line per change made, and warnings. The configs read first only check names, as
 * kafka-configs.sh does: deleting a key the entity does not have is refused, and a broker key
 * Kafka does not know (it stores any) is warned about. The write itself is one
 * IncrementalAlterConfigs, so nothing read here is written back.
 */
export async function alterEntityConfigs(admin: KafkaAdmin, resource: ConfigResource, changes: ConfigChange[]): Promise<{ lines: string[]; warnings: string[] }> {
  const known = new Set((await admin.describeConfigs(resource).catch((err) => { throw refusal(err, resource); })).map((e) => e.name));
  const what = entityLabel(resource.type, resource.name);
  const warnings: string[] = [];
  if (known.size > 0) {
    const missing = changes.find((c) => c.op === 'delete' && !known.has(c.name));
    if (missing) throw new UsageError(`'${missing.name}' is not a config of ${what}`, { hint: `see \`kstream configs describe --entity-type ${resource.type} --entity-name ${resource.name || '""'} --all\`` });
    for (const c of changes) if (c.op === 'set' && !known.has(c.name)) warnings.push(`'${c.name}' is not a config Kafka knows for ${what}; it is stored anyway`);
  }
  await admin.alterConfigs(resource, changes).catch((err) => { throw refusal(err, resource); });
  return { lines: changes.map((c) => (c.op === 'set' ? `set ${c.name}=${c.value}` : `deleted ${c.name} (back to its default)`)), warnings };
}

/** What Kafka's refusal means for this entity, in one line with the right exit code. */
export function refusal(err: unknown, resource: ConfigResource): unknown {
  if (!(err instanceof KafkaRequestError)) return err;
  const what = entityLabel(resource.type, resource.name);
  const detail = err.message.replace(/\s+/g, ' ').trim();
  // A broker without a resource type answers "Unknown resource type 32" to an alter, and
  // InvalidRequest's generic text ("…malformed by the client library…") to a describe.
  if (err.code === 'INVALID_REQUEST' && /resource type|malformed by the client/i.test(detail)) return unsupported(resource, detail);
  switch (err.code) {
    case 'UNKNOWN_TOPIC_OR_PARTITION':
      return new UsageError(`topic '${resource.name}' does not exist`, { hint: 'see `kstream topics list`' });
    case 'GROUP_ID_NOT_FOUND':
      return new UsageError(`group '${resource.name}' does not exist`, { hint: 'see `kstream groups list`' });
    case 'INVALID_REQUEST':
    case 'INVALID_CONFIG':
      return new UsageError(`Kafka refused the configs of ${what}: ${detail}`, { hint: `see \`kstream configs describe --entity-type ${resource.type} --entity-name ${resource.name || '""'} --all\`` });
    case 'UNSUPPORTED_VERSION':
      return unsupported(resource, detail);
    case 'CLUSTER_AUTHORIZATION_FAILED':
    case 'TOPIC_AUTHORIZATION_FAILED':
    case 'GROUP_AUTHORIZATION_FAILED':
      return new KstreamError(`not authorized to change or read the configs of ${what} (${err.code})`, { hint: 'ask for an ACL: AlterConfigs/DescribeConfigs on this resource' });
    default:
      return new KstreamError(`Kafka refused the configs of ${what}: ${detail} (${err.code})`, { cause: err });
  }
}

function unsupported(resource: ConfigResource, detail: string): KstreamError {
  const why = /malformed by the client/i.test(detail) ? 'it refused the request as invalid' : detail;
  return new KstreamError(`this broker does not support configs of ${resource.type}: ${why}`, {
    exitCode: ExitCode.KAFKA,
    hint: resource.type === 'groups' ? 'group configs come with KIP-848; a newer Kafka broker has them' : 'a newer Kafka broker has them',
  });
}

function synonymsText(e: ConfigEntry): string {
  return e.synonyms.filter((s) => s.source !== e.source || s.name !== e.name).map((s) => `${s.source}:${s.name}=${s.value ?? '-'}`).join(', ');
}

export function configsView(d: EntityConfigs): View {
  return {
    head: ['NAME', 'VALUE', 'SOURCE', 'READ-ONLY', 'SENSITIVE', 'SYNONYMS'],
    rows: d.configs.map((e) => [e.name, e.sensitive ? '(sensitive)' : e.value, e.source, e.readOnly, e.sensitive, synonymsText(e) || '-']),
    json: d,
  };
}

export interface EntityQuotas {
  entityType: QuotaType;
  /** '' for the default entity. */
  entityName: string;
  quotas: QuotaValue[];
}

const QUOTA_ENTITY = { clients: 'client-id', users: 'user', ips: 'ip' } as const;

export function quotaEntity(type: QuotaType, name: string): QuotaEntity {
  return { type: QUOTA_ENTITY[type], name: name === '' ? null : name };
}

export async function describeEntityQuotas(admin: KafkaAdmin, type: QuotaType, name: string): Promise<EntityQuotas> {
  const quotas = await admin.describeQuotas(quotaEntity(type, name)).catch((err) => { throw quotaRefusal(err, type, name); });
  return { entityType: type, entityName: name, quotas };
}

/**
 * Quota values are numbers (Kafka keeps doubles): `producer_byte_rate=1048576`. Kafka refuses an
 * unknown key itself. Returns one line per change.
 */
export async function alterEntityQuotas(admin: KafkaAdmin, type: QuotaType, name: string, changes: ConfigChange[]): Promise<string[]> {
  const ops = changes.map((c) => {
    if (c.op === 'delete') return { op: 'delete' as const, key: c.name };
    const value = Number(c.value);
    if (c.value.trim() === '' || !Number.isFinite(value)) throw new UsageError(`quota ${c.name} must be a number, got '${c.value}'`, { hint: 'e.g. --add-config producer_byte_rate=1048576' });
    return { op: 'set' as const, key: c.name, value };
  });
  await admin.alterQuotas(quotaEntity(type, name), ops).catch((err) => { throw quotaRefusal(err, type, name); });
  return changes.map((c) => (c.op === 'set' ? `set quota ${c.name}=${c.value}` : `deleted quota ${c.name}`));
}

function quotaRefusal(err: unknown, type: QuotaType, name: string): unknown {
  if (!(err instanceof KafkaRequestError)) return err;
  const what = entityLabel(type, name);
  const detail = err.message.replace(/\s+/g, ' ').trim();
  if (err.code === 'INVALID_REQUEST' || err.code === 'INVALID_CONFIG') return new UsageError(`Kafka refused the quotas of ${what}: ${detail}`, { hint: 'quota keys: producer_byte_rate, consumer_byte_rate, request_percentage, controller_mutation_rate (connection_creation_rate for ips)' });
  if (err.code === 'CLUSTER_AUTHORIZATION_FAILED') return new KstreamError(`not authorized to change or read the quotas of ${what} (${err.code})`, { hint: 'quotas need AlterConfigs/DescribeConfigs on the cluster' });
  return new KstreamError(`Kafka refused the quotas of ${what}: ${detail} (${err.code})`, { cause: err });
}

export function quotasView(d: EntityQuotas): View {
  return { head: ['NAME', 'VALUE'], rows: d.quotas.map((q) => [q.key, q.value]), json: d };
}
