// The entity flags both subcommands take: kstream's and kafka-configs.sh's names alike.
import type { Options } from 'yargs';
import type { EntityFlags } from './entity.js';

const list = (describe: string): Options => ({ type: 'string', array: true, requiresArg: true, describe });

export const entityOptions = {
  'entity-type': { type: 'string', requiresArg: true, describe: 'topics, brokers, broker-loggers, groups or client-metrics' },
  'entity-name': list('Name of the entity: a topic, a broker id, a group id (repeatable)'),
  'entity-default': { type: 'boolean', describe: 'With --entity-type brokers: the cluster-wide default of every broker' },
  topic: list('Shortcut for --entity-type topics --entity-name NAME'),
  broker: list('Shortcut for --entity-type brokers --entity-name ID'),
  'broker-defaults': { type: 'boolean', describe: 'Shortcut for --entity-type brokers --entity-default' },
  'broker-logger': list('Shortcut for --entity-type broker-loggers --entity-name ID'),
  group: list('Shortcut for --entity-type groups --entity-name ID'),
  'client-metrics': list('Shortcut for --entity-type client-metrics --entity-name NAME'),
  client: list('Client quotas: not configs, refused (see the README)'),
  user: list('User quotas: not configs, refused (see the README)'),
  ip: list('IP quotas: not configs, refused (see the README)'),
} satisfies Record<string, Options>;

export function entityFlags(argv: Record<string, unknown>): EntityFlags {
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
