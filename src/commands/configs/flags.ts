// The entity flags both subcommands take: kstream's and kafka-configs.sh's names alike.
import type { Options } from 'yargs';
import { UsageError } from '../../errors.js';
import type { EntityFlags } from './entity.js';

const list = (describe: string): Options => ({ type: 'string', array: true, requiresArg: true, describe });

export const entityOptions = {
  'entity-type': { type: 'string', requiresArg: true, describe: 'topics, brokers, broker-loggers, groups, client-metrics; clients, users, ips for quotas' },
  'entity-name': list('Name of the entity: a topic, a broker id, a group id (repeatable)'),
  'entity-default': { type: 'boolean', describe: 'The default entity: of brokers (cluster-wide), or of clients, users, ips quotas' },
  topic: list('Shortcut for --entity-type topics --entity-name NAME'),
  broker: list('Shortcut for --entity-type brokers --entity-name ID'),
  'broker-defaults': { type: 'boolean', describe: 'Shortcut for --entity-type brokers --entity-default' },
  'broker-logger': list('Shortcut for --entity-type broker-loggers --entity-name ID'),
  group: list('Shortcut for --entity-type groups --entity-name ID'),
  'client-metrics': list('Shortcut for --entity-type client-metrics --entity-name NAME'),
  client: list('Quotas of a client id: shortcut for --entity-type clients --entity-name ID'),
  user: list('Quotas of a user: shortcut for --entity-type users --entity-name NAME'),
  ip: list('Quotas of an IP address: shortcut for --entity-type ips --entity-name IP'),
} satisfies Record<string, Options>;

export function entityFlags(argv: Record<string, unknown>): EntityFlags {
  if (Array.isArray(argv.entityType)) {
    // kafka-configs.sh takes --entity-type users --entity-type clients for a user's quota per client.
    throw new UsageError('pass one --entity-type', { hint: 'quotas of a user per client id (two entity types at once) are not supported; set each entity on its own' });
  }
  const strings = (v: unknown) => (v === undefined ? undefined : (v as unknown[]).map(String));
  return {
    entityType: argv.entityType as string | undefined,
    entityName: strings(argv.entityName),
    entityDefault: argv.entityDefault as boolean | undefined,
    topic: strings(argv.topic),
    broker: strings(argv.broker),
    brokerDefaults: argv.brokerDefaults as boolean | undefined,
    brokerLogger: strings(argv.brokerLogger),
    group: strings(argv.group),
    clientMetrics: strings(argv.clientMetrics),
    client: strings(argv.client),
    user: strings(argv.user),
    ip: strings(argv.ip),
  };
}
