import type { View } from '../../output.js';
import type { AclBinding } from '../../kafka/security/acls.js';

export function aclsView(acls: AclBinding[]): View {
  return {
    head: ['PRINCIPAL', 'HOST', 'OPERATION', 'PERMISSION', 'RESOURCE TYPE', 'RESOURCE NAME', 'PATTERN TYPE'],
    rows: acls.map((a) => [a.principal, a.host, a.operation, a.permission, a.resourceType, a.resourceName, a.patternType]),
    json: acls,
  };
}

/** Stable order: by resource, then principal, then operation. */
export function sortAcls(acls: AclBinding[]): AclBinding[] {
  const key = (a: AclBinding) => [a.resourceType, a.resourceName, a.patternType, a.principal, a.host, a.operation, a.permission].join('\0');
  return [...acls].sort((a, b) => key(a).localeCompare(key(b)));
}
