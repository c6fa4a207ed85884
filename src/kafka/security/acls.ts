// ACLs through kafkajs's DescribeAcls, CreateAcls and DeleteAcls, in kstream's own terms: Kafka's
// names (TOPIC, READ, ALLOW, PREFIXED) instead of kafkajs's numeric enums, and the errors of a
// cluster without an authorizer or of a caller without the right to manage ACLs worded for a user.
import type { Admin } from '../kafkajs.js';
import { ExitCode, KstreamError, UsageError } from '../../errors.js';
import { kafkaCode } from '../errors.js';

// Kafka's codes (AclOperation, AclPermissionType, ResourceType, PatternType), as kafkajs sends them.
export const ACL_OPERATIONS = {
  ANY: 1, ALL: 2, READ: 3, WRITE: 4, CREATE: 5, DELETE: 6, ALTER: 7, DESCRIBE: 8, CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10, ALTER_CONFIGS: 11, IDEMPOTENT_WRITE: 12,
} as const;
export const ACL_PERMISSIONS = { ANY: 1, DENY: 2, ALLOW: 3 } as const;
export const ACL_RESOURCE_TYPES = { ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6 } as const;
export const ACL_PATTERN_TYPES = { ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;

export type AclOperation = Exclude<keyof typeof ACL_OPERATIONS, 'ANY'>;
export type AclPermission = Exclude<keyof typeof ACL_PERMISSIONS, 'ANY'>;
export type AclResourceType = Exclude<keyof typeof ACL_RESOURCE_TYPES, 'ANY'>;
export type AclPatternType = 'LITERAL' | 'PREFIXED';

/** One ACL: `principal` may (ALLOW) or may not (DENY) do `operation` on the resource, from `host`. */
export interface AclBinding {
  principal: string;
  host: string;
  operation: AclOperation;
  permission: AclPermission;
  resourceType: AclResourceType;
  resourceName: string;
  patternType: AclPatternType;
}

/** Which ACLs to list or delete: an absent field matches any value. */
export interface AclFilter {
  principal?: string;
  host?: string;
  operation?: AclOperation;
  permission?: AclPermission;
  resourceType?: AclResourceType;
  resourceName?: string;
  /** MATCH: every ACL that applies to the named resource (literal, prefixed and wildcard ones). */
  patternType?: AclPatternType | 'MATCH';
}

const nameOf = <T extends Record<string, number>>(table: T, code: number) =>
  (Object.keys(table).find((k) => table[k] === code) ?? `UNKNOWN(${code})`) as keyof T & string;

/** `read`, `Read`, `describe-configs`, `DescribeConfigs` → Kafka's `READ`, `DESCRIBE_CONFIGS`. */
export function aclName<T extends Record<string, number>>(table: T, value: string, what: string): keyof T & string {
  const key = value.replace(/([a-z])([A-Z])/g, '$1_$2').replace(/-/g, '_').toUpperCase();
  if (key in table && key !== 'ANY' && key !== 'MATCH') return key as keyof T & string;
  const names = Object.keys(table).filter((k) => k !== 'ANY' && k !== 'MATCH').map((k) => k.toLowerCase().replace(/_/g, '-'));
  throw new UsageError(`unknown ${what} '${value}'`, { hint: `use one of ${names.join(', ')}` });
}

/** kafkajs's numeric form of a filter, an absent field as ANY; of a whole binding, field for field. */
function toKafkajs(f: AclFilter) {
  return {
    principal: f.principal,
    host: f.host,
    operation: ACL_OPERATIONS[f.operation ?? 'ANY'],
    permissionType: ACL_PERMISSIONS[f.permission ?? 'ANY'],
    resourceType: ACL_RESOURCE_TYPES[f.resourceType ?? 'ANY'],
    resourceName: f.resourceName,
    resourcePatternType: ACL_PATTERN_TYPES[f.patternType ?? 'ANY'],
  };
}

/** An ACL kafkajs answers with, in Kafka's names: the resource's fields and the ACL's own. */
function fromKafkajs(
  resource: { resourceType: number; resourceName: string; resourcePatternType: number },
  acl: { principal: string; host: string; operation: number; permissionType: number },
): AclBinding {
  return {
    principal: acl.principal,
    host: acl.host,
    operation: nameOf(ACL_OPERATIONS, acl.operation) as AclOperation,
    permission: nameOf(ACL_PERMISSIONS, acl.permissionType) as AclPermission,
    resourceType: nameOf(ACL_RESOURCE_TYPES, resource.resourceType) as AclResourceType,
    resourceName: resource.resourceName,
    patternType: nameOf(ACL_PATTERN_TYPES, resource.resourcePatternType) as AclPatternType,
  };
}

export async function describeAcls(admin: Admin, filter: AclFilter): Promise<AclBinding[]> {
  const { resources } = await explained(admin.describeAcls(toKafkajs(filter) as never));
  return resources.flatMap((r) => r.acls.map((a) => fromKafkajs(r, a)));
}

export async function createAcls(admin: Admin, acls: AclBinding[]): Promise<void> {
  await explained(admin.createAcls({ acl: acls.map(toKafkajs) as never }));
}

/** Deletes every ACL matching one of `filters`; returns the ACLs deleted. */
export async function deleteAcls(admin: Admin, filters: AclFilter[]): Promise<AclBinding[]> {
  const { filterResponses } = await explained(admin.deleteAcls({ filters: filters.map(toKafkajs) as never }));
  return filterResponses.flatMap((r) => r.matchingAcls.map((m) => fromKafkajs(m, m)));
}

/** The two refusals every ACL request may meet, in words; anything else goes on to fromKafkaError. */
async function explained<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (err) {
    const type = kafkaCode(err);
    if (type === 'SECURITY_DISABLED') {
      throw new KstreamError('this cluster has no authorizer, so it keeps no ACLs (SECURITY_DISABLED)', {
        exitCode: ExitCode.KAFKA, hint: 'set authorizer.class.name on the brokers; locally: kstream local start --sasl --authorizer', cause: err,
      });
    }
    if (type === 'CLUSTER_AUTHORIZATION_FAILED') {
      throw new KstreamError('not authorized to manage ACLs (CLUSTER_AUTHORIZATION_FAILED)', {
        exitCode: ExitCode.KAFKA, hint: 'this needs ALTER (or DESCRIBE to list) on the cluster: connect as a super user', cause: err,
      });
    }
    throw err;
  }
}
