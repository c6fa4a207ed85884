// Which configs a `kstream configs` command line means: the entity type and names, from kstream's
// --entity-type/--entity-name or kafka-configs.sh's shortcuts (--topic, --broker, --group…), and
// the --add-config/--delete-config lists. Pure: unit-tested in test/unit/configs-entity.test.ts.
import { UsageError } from '../../errors.js';
import type { ConfigChange, ConfigResourceType, ConfigSource } from '../../kafka/types.js';

/** Quotas: not configs (KIP-546), but kafka-configs.sh changes them with the same flags. */
export type QuotaType = 'clients' | 'users' | 'ips';

/** What the flags name: one type, and the names given (none: every entity of the type; '' the default). */
export interface EntitySelection {
  type: ConfigResourceType | QuotaType;
  names: string[];
}

export function isQuotaType(type: string): type is QuotaType {
  return type === 'clients' || type === 'users' || type === 'ips';
}

export interface EntityFlags {
  entityType?: string;
  entityName?: string[];
  entityDefault?: boolean;
  topic?: string[];
  broker?: string[];
  brokerDefaults?: boolean;
  brokerLogger?: string[];
  group?: string[];
  clientMetrics?: string[];
  client?: string[];
  user?: string[];
  ip?: string[];
}

const TYPES: Record<string, ConfigResourceType> = {
  topics: 'topics', topic: 'topics',
  brokers: 'brokers', broker: 'brokers',
  'broker-loggers': 'broker-loggers', 'broker-logger': 'broker-loggers',
  groups: 'groups', group: 'groups',
  'client-metrics': 'client-metrics',
};

const QUOTA_TYPES: Record<string, QuotaType> = { clients: 'clients', client: 'clients', users: 'users', user: 'users', ips: 'ips', ip: 'ips' };

/** Kafka's ConfigSource that means "set on this entity", the values shown without --all (as kafka-configs.sh does). */
export function ownSource(type: ConfigResourceType, name: string): ConfigSource {
  switch (type) {
    case 'topics': return 'DYNAMIC_TOPIC_CONFIG';
    case 'brokers': return name === '' ? 'DYNAMIC_DEFAULT_BROKER_CONFIG' : 'DYNAMIC_BROKER_CONFIG';
    case 'broker-loggers': return 'DYNAMIC_BROKER_LOGGER_CONFIG';
    case 'groups': return 'DYNAMIC_GROUP_CONFIG';
    case 'client-metrics': return 'DYNAMIC_CLIENT_METRICS_CONFIG';
  }
}

export function selectEntity(f: EntityFlags): EntitySelection {
  const shortcuts: Array<[string, ConfigResourceType | string, string[] | undefined]> = [
    ['--topic', 'topics', f.topic], ['--broker', 'brokers', f.broker], ['--broker-logger', 'broker-loggers', f.brokerLogger],
    ['--group', 'groups', f.group], ['--client-metrics', 'client-metrics', f.clientMetrics],
    ['--client', 'clients', f.client], ['--user', 'users', f.user], ['--ip', 'ips', f.ip],
  ];
  const used = shortcuts.filter(([, , v]) => v !== undefined && v.length > 0);
  if (f.brokerDefaults) used.push(['--broker-defaults', 'brokers', ['']]);
  const given = f.entityType !== undefined ? 1 : 0;
  if (used.length + given > 1) {
    const names = [...(given ? ['--entity-type'] : []), ...used.map(([flag]) => flag)];
    throw new UsageError(`pass one kind of entity, not ${names.join(' and ')}`, { hint: 'e.g. --topic orders, or --entity-type brokers --entity-name 1' });
  }
  if (used.length === 1) {
    if (f.entityName?.length || f.entityDefault) throw new UsageError(`${used[0]![0]} names the entity itself; drop --entity-name/--entity-default`);
    const [, type, names] = used[0]!;
    return { type: type as EntitySelection['type'], names: names! };
  }
  if (f.entityType === undefined) {
    throw new UsageError('name what to configure', { hint: 'pass --topic NAME, --broker ID, --broker-defaults, --group ID, or --entity-type TYPE --entity-name NAME' });
  }
  const raw = f.entityType.toLowerCase();
  const type = TYPES[raw] ?? QUOTA_TYPES[raw];
  if (!type) throw new UsageError(`unknown --entity-type '${f.entityType}'`, { hint: 'use topics, brokers, broker-loggers, groups, client-metrics, or for quotas clients, users, ips' });
  if (f.entityDefault) {
    if (type !== 'brokers' && !isQuotaType(type)) throw new UsageError(`--entity-default is for brokers and quotas (clients, users, ips), not ${type}`);
    if (f.entityName?.length) throw new UsageError('pass either --entity-name or --entity-default, not both');
    return { type, names: [''] };
  }
  return { type, names: f.entityName ?? [] };
}

/**
 * kafka-configs.sh's --add-config list: `k1=v1,k2=[a,b],k3=v3`, square brackets around a value
 * that itself has commas. Repeated flags add up.
 */
export function parseAddConfig(items: string[] | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const item of items ?? []) {
    for (const part of splitTopLevel(item)) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new UsageError(`--add-config expects KEY=VALUE, got '${part}'`, { hint: "e.g. --add-config retention.ms=86400000,cleanup.policy=[compact,delete]" });
      const key = part.slice(0, eq).trim();
      const value = part.slice(eq + 1).trim().replace(/^\[(.*)\]$/s, '$1');
      out.push([key, value]);
    }
  }
  return out;
}

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '[') depth++;
    else if (s[i] === ']') depth = Math.max(0, depth - 1);
    else if (s[i] === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  if (depth > 0) throw new UsageError(`--add-config has an unclosed '[' in '${s}'`);
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** --delete-config k1,k2 (repeatable too). */
export function parseDeleteConfig(items: string[] | undefined): string[] {
  return (items ?? []).flatMap((i) => i.split(',')).map((k) => k.trim()).filter(Boolean);
}

/** The changes of one alter, deletions first; a key both set and deleted is a mistake. */
export function configChanges(add: Array<[string, string]>, remove: string[]): ConfigChange[] {
  const both = remove.find((k) => add.some(([a]) => a === k));
  if (both !== undefined) throw new UsageError(`'${both}' is both added and deleted`, { hint: 'pass it to one of --add-config and --delete-config' });
  const seen = new Set<string>();
  for (const [k] of add) {
    if (seen.has(k)) throw new UsageError(`'${k}' is given twice in --add-config`);
    seen.add(k);
  }
  if (add.length === 0 && remove.length === 0) throw new UsageError('nothing to change', { hint: 'pass --add-config KEY=VALUE[,…] and/or --delete-config KEY[,…]' });
  return [...remove.map((name) => ({ op: 'delete' as const, name })), ...add.map(([name, value]) => ({ op: 'set' as const, name, value }))];
}

/** "topic orders", "broker 1", "the broker defaults": how messages name an entity. */
export function entityLabel(type: EntitySelection['type'], name: string): string {
  const singular = {
    topics: 'topic', brokers: 'broker', 'broker-loggers': 'broker-logger', groups: 'group', 'client-metrics': 'client-metrics',
    clients: 'client', users: 'user', ips: 'ip',
  }[type];
  if (name === '') return `the ${singular} defaults`;
  return `${singular} ${name}`;
}
