// The flags acls list, create and delete share, and how they become ACLs (create) or filters
// (list, delete). They follow kafka-acls.sh: resources by --topic, --group, --transactional-id and
// --cluster, and the --producer / --consumer shorthands.
import type { Options } from 'yargs';
import { UsageError } from '../../errors.js';
import {
  ACL_OPERATIONS, ACL_PERMISSIONS, aclName,
  type AclBinding, type AclFilter, type AclOperation, type AclPatternType, type AclResourceType,
} from '../../kafka/security/acls.js';

const RESOURCES = 'Resources (repeatable, any mix):';

export const aclOptions = {
  principal: { type: 'string', array: true, requiresArg: true, describe: 'Principal, e.g. User:alice (repeatable)' },
  host: { type: 'string', array: true, requiresArg: true, describe: 'Client host the ACL applies to (default: * on create, any on list and delete)' },
  operation: { type: 'string', array: true, requiresArg: true, describe: 'read, write, create, delete, alter, describe, cluster-action, describe-configs, alter-configs, idempotent-write, all (default on create: all)' },
  permission: { type: 'string', choices: ['allow', 'deny'], requiresArg: true, describe: 'Allow or deny (default on create: allow)' },
  'pattern-type': { type: 'string', choices: ['literal', 'prefixed', 'match', 'any'], requiresArg: true, describe: 'How the resource name matches: literal (default on create), prefixed; list and delete also take match and any (their default)' },
  topic: { type: 'string', array: true, requiresArg: true, describe: 'Topic name (* for all)', group: RESOURCES },
  group: { type: 'string', array: true, requiresArg: true, describe: 'Consumer group id', group: RESOURCES },
  'transactional-id': { type: 'string', array: true, requiresArg: true, describe: 'Transactional id', group: RESOURCES },
  cluster: { type: 'boolean', describe: 'The cluster itself', group: RESOURCES },
  producer: { type: 'boolean', describe: 'Create only: WRITE, DESCRIBE, CREATE on the topics (and WRITE, DESCRIBE on the transactional ids)' },
  consumer: { type: 'boolean', describe: 'Create only: READ, DESCRIBE on the topics and READ on the groups' },
} satisfies Record<string, Options>;

export interface AclArgs {
  principal?: string[];
  host?: string[];
  operation?: string[];
  permission?: string;
  patternType?: string;
  topic?: string[];
  group?: string[];
  transactionalId?: string[];
  cluster?: boolean;
  producer?: boolean;
  consumer?: boolean;
}

interface Resource {
  resourceType: AclResourceType;
  resourceName: string;
}

function resources(a: AclArgs): Resource[] {
  return [
    ...(a.topic ?? []).map((resourceName) => ({ resourceType: 'TOPIC' as const, resourceName })),
    ...(a.group ?? []).map((resourceName) => ({ resourceType: 'GROUP' as const, resourceName })),
    ...(a.transactionalId ?? []).map((resourceName) => ({ resourceType: 'TRANSACTIONAL_ID' as const, resourceName })),
    // Kafka names its one cluster resource kafka-cluster.
    ...(a.cluster ? [{ resourceType: 'CLUSTER' as const, resourceName: 'kafka-cluster' }] : []),
  ];
}

const operations = (a: AclArgs) => (a.operation ?? []).map((o) => aclName(ACL_OPERATIONS, o, 'operation') as AclOperation);
const permission = (a: AclArgs) => (a.permission ? (aclName(ACL_PERMISSIONS, a.permission, 'permission') as 'ALLOW' | 'DENY') : undefined);

function checkPrincipal(p: string): string {
  if (!/^[^:\s]+:.+$/.test(p)) throw new UsageError(`'${p}' is not a principal`, { hint: 'write TYPE:NAME, e.g. User:alice (User:* for every user)' });
  return p;
}

/** What `acls create` makes: every principal × host × operation × resource. */
export function bindingsFrom(a: AclArgs): AclBinding[] {
  const principals = (a.principal ?? []).map(checkPrincipal);
  if (principals.length === 0) throw new UsageError('name whom the ACL is for', { hint: 'pass --principal User:NAME' });
  const all = resources(a);
  if (all.length === 0) throw new UsageError('name the resource the ACL is on', { hint: 'pass --topic, --group, --transactional-id or --cluster' });
  const patternType = (a.patternType ?? 'literal').toUpperCase();
  if (patternType !== 'LITERAL' && patternType !== 'PREFIXED') throw new UsageError(`--pattern-type ${a.patternType} is for list and delete`, { hint: 'create takes literal or prefixed' });
  const hosts = a.host?.length ? a.host : ['*'];
  const perm = permission(a) ?? 'ALLOW';
  const pairs = a.producer || a.consumer ? shorthandPairs(a, all) : all.flatMap((r) => (operations(a).length ? operations(a) : ['ALL' as const]).map((operation) => ({ ...r, operation })));
  return principals.flatMap((principal) => hosts.flatMap((host) =>
    pairs.map((p) => ({ principal, host, permission: perm, patternType: patternType as AclPatternType, ...p }))));
}

/** kafka-acls.sh's --producer and --consumer: the operations each needs on each resource. */
function shorthandPairs(a: AclArgs, all: Resource[]): Array<Resource & { operation: AclOperation }> {
  if (a.operation?.length) throw new UsageError('--producer and --consumer choose the operations themselves; drop --operation');
  const needs: Partial<Record<AclResourceType, AclOperation[]>> = {};
  const add = (type: AclResourceType, ops: AclOperation[]) => (needs[type] = [...new Set([...(needs[type] ?? []), ...ops])]);
  if (a.producer) add('TOPIC', ['WRITE', 'DESCRIBE', 'CREATE']), add('TRANSACTIONAL_ID', ['WRITE', 'DESCRIBE']);
  if (a.consumer) {
    if (!a.group?.length) throw new UsageError('--consumer needs --group too', { hint: 'the ACLs cover the topics and the group that reads them' });
    add('TOPIC', ['READ', 'DESCRIBE']), add('GROUP', ['READ']);
  }
  return all.flatMap((r) => (needs[r.resourceType] ?? []).map((operation) => ({ ...r, operation })));
}

/** What `acls list` and `acls delete` match: absent flags match anything. */
export function filtersFrom(a: AclArgs): AclFilter[] {
  if (a.producer || a.consumer) throw new UsageError('--producer and --consumer are for create', { hint: 'list or delete by --operation instead' });
  const patternType = a.patternType && a.patternType !== 'any' ? (a.patternType.toUpperCase() as AclPatternType | 'MATCH') : undefined;
  const base = { permission: permission(a), patternType };
  const principals: Array<string | undefined> = a.principal?.length ? a.principal.map(checkPrincipal) : [undefined];
  const hosts: Array<string | undefined> = a.host?.length ? a.host : [undefined];
  const ops: Array<AclOperation | undefined> = operations(a).length ? operations(a) : [undefined];
  const res: Array<Partial<Resource>> = resources(a).length ? resources(a) : [{}];
  return principals.flatMap((principal) => hosts.flatMap((host) => ops.flatMap((operation) =>
    res.map((r) => ({ ...base, principal, host, operation, ...r })))));
}

export function hasResource(a: AclArgs): boolean {
  return resources(a).length > 0;
}
