// `kstream acls`: flags to ACLs and filters, and kafka-acls.sh's command lines turned into kstream's.
import { describe, expect, it } from 'vitest';
import { translateKafkaArgs } from '../../src/compat/index.js';
import { bindingsFrom, filtersFrom } from '../../src/commands/acls/spec.js';
import { aclName, ACL_OPERATIONS } from '../../src/kafka/security/acls.js';

const t = (line: string) => translateKafkaArgs(line.split(' ')).args.join(' ');

describe('kafka-acls.sh', () => {
  it.each([
    ['acls --add --allow-principal User:alice --operation Read --topic t --group g', 'acls create --operation Read --topic t --group g --principal User:alice --permission allow'],
    ['acls --add --allow-principal User:a --operation Write --topic p- --resource-pattern-type PREFIXED', 'acls create --operation Write --topic p- --principal User:a --permission allow --pattern-type prefixed'],
    ['acls --add --deny-principal User:m --deny-host 10.0.0.1 --operation All --cluster', 'acls create --operation All --cluster --principal User:m --permission deny --host 10.0.0.1'],
    ['acls --list', 'acls list'],
    ['acls --list --topic t', 'acls list --topic t'],
    ['acls --remove --allow-principal User:alice --operation Read --topic t --force', 'acls delete --operation Read --topic t --principal User:alice --permission allow'],
    ['acls --add --allow-principal User:p --producer --topic t --transactional-id x', 'acls create --producer --topic t --transactional-id x --principal User:p --permission allow'],
    ['acls list --topic t', 'acls list --topic t'],
  ])('%s', (line, expected) => expect(t(line)).toBe(expected));

  it('notes that --idempotent has nothing left to do', () => {
    const r = translateKafkaArgs('acls --add --allow-principal User:p --producer --topic t --idempotent'.split(' '));
    expect(r.args).not.toContain('--idempotent');
    expect(r.notes).toEqual([expect.stringMatching(/--idempotent ignored/)]);
  });

  it.each([
    ['acls --add --list', /pass one action, not --add and --list/],
    ['acls --add --allow-principal User:a --deny-principal User:b --topic t', /--allow-principal and --deny-principal in one line/],
    ['acls --list --authorizer-properties zookeeper.connect=z:2181', /kafka-acls.sh's --authorizer-properties is not supported/],
  ])('refuses %s', (line, message) => expect(() => t(line)).toThrow(message));
});

describe('acls flags', () => {
  it('creates every principal × operation × resource, literal, from any host, allowed', () => {
    const acls = bindingsFrom({ principal: ['User:a', 'User:b'], operation: ['read', 'describe'], topic: ['t'], group: ['g'] });
    expect(acls).toHaveLength(8);
    expect(acls[0]).toEqual({ principal: 'User:a', host: '*', operation: 'READ', permission: 'ALLOW', resourceType: 'TOPIC', resourceName: 't', patternType: 'LITERAL' });
  });

  it('defaults the operation to ALL, as kafka-acls.sh does', () => {
    expect(bindingsFrom({ principal: ['User:a'], cluster: true })).toEqual([
      { principal: 'User:a', host: '*', operation: 'ALL', permission: 'ALLOW', resourceType: 'CLUSTER', resourceName: 'kafka-cluster', patternType: 'LITERAL' },
    ]);
  });

  it('--consumer: READ, DESCRIBE on topics and READ on groups; --producer: WRITE, DESCRIBE, CREATE on topics', () => {
    const ops = (a: Parameters<typeof bindingsFrom>[0]) => bindingsFrom(a).map((b) => `${b.resourceType}:${b.operation}`);
    expect(ops({ principal: ['User:c'], consumer: true, topic: ['t'], group: ['g'] })).toEqual(['TOPIC:READ', 'TOPIC:DESCRIBE', 'GROUP:READ']);
    expect(ops({ principal: ['User:p'], producer: true, topic: ['t'], transactionalId: ['x'] })).toEqual(['TOPIC:WRITE', 'TOPIC:DESCRIBE', 'TOPIC:CREATE', 'TRANSACTIONAL_ID:WRITE', 'TRANSACTIONAL_ID:DESCRIBE']);
    expect(() => bindingsFrom({ principal: ['User:c'], consumer: true, topic: ['t'] })).toThrow(/--consumer needs --group/);
  });

  it.each([
    [{ topic: ['t'] }, /name whom the ACL is for/],
    [{ principal: ['User:a'] }, /name the resource/],
    [{ principal: ['alice'], topic: ['t'] }, /'alice' is not a principal/],
    [{ principal: ['User:a'], topic: ['t'], patternType: 'match' }, /--pattern-type match is for list and delete/],
    [{ principal: ['User:a'], topic: ['t'], operation: ['reed'] }, /unknown operation 'reed'.*read, write/],
  ])('refuses %j', (args, message) => {
    try {
      bindingsFrom(args);
      expect.unreachable();
    } catch (err) {
      expect(`${(err as Error).message} (${(err as { hint?: string }).hint})`).toMatch(message);
    }
  });

  it('filters: an absent flag matches anything; one filter per combination', () => {
    expect(filtersFrom({})).toEqual([{ permission: undefined, patternType: undefined, principal: undefined, host: undefined, operation: undefined }]);
    const f = filtersFrom({ principal: ['User:a'], topic: ['t', 'u'], patternType: 'match' });
    expect(f.map((x) => [x.resourceName, x.patternType, x.principal])).toEqual([['t', 'MATCH', 'User:a'], ['u', 'MATCH', 'User:a']]);
  });

  it.each([['read', 'READ'], ['Read', 'READ'], ['DescribeConfigs', 'DESCRIBE_CONFIGS'], ['describe-configs', 'DESCRIBE_CONFIGS'], ['IDEMPOTENT_WRITE', 'IDEMPOTENT_WRITE']])(
    'reads operation %s as %s', (text, name) => expect(aclName(ACL_OPERATIONS, text, 'operation')).toBe(name));
});
