import type { CommandFactory } from './command.js';

/** A top-level command: what the top-level help lists, and the module that has the rest. */
export interface TopCommand {
  command: string;
  describe: string;
  load: () => Promise<CommandFactory>;
}

/**
 * The top-level commands, in the order a user meets them.
 *
 * A command's module (its flags, subcommands and the code they run) is imported only when the
 * command line names it: `kstream --help` and `--version` import none, `kstream produce` only
 * produce's. yargs needs no more than the name and summary of the others, for the top-level help
 * and completion. A unit test checks these against the modules' own.
 */
export const COMMANDS: TopCommand[] = [
  {
    command: 'local',
    describe: 'Run Apache Kafka on this machine (one node, or a cluster with --nodes), without Docker',
    load: async () => (await import('./local/index.js')).localCommand,
  },
  {
    command: 'topics',
    describe: 'Create, list, describe, alter and delete topics',
    load: async () => (await import('./topics/index.js')).topicsCommand,
  },
  {
    command: 'cluster',
    describe: 'Describe the cluster: brokers, controller, listeners, API versions, unhealthy partitions',
    load: async () => (await import('./cluster/index.js')).clusterCommand,
  },
  {
    command: 'brokers',
    describe: 'List the brokers of the cluster (the same as `cluster describe`)',
    load: async () => (await import('./cluster/index.js')).brokersCommand,
  },
  {
    command: 'produce <topic>',
    describe: 'Send lines of stdin or files to a topic, keyed or not',
    load: async () => (await import('./produce/index.js')).produceCommand,
  },
  {
    command: 'consume [topics..]',
    describe: 'Print records of topics: new ones, all, a window, by key, or those a filter keeps',
    load: async () => (await import('./consume/index.js')).consumeCommand,
  },
  {
    command: 'groups',
    describe: 'List, describe (with lag), reset the offsets of, and delete consumer groups',
    load: async () => (await import('./groups/index.js')).groupsCommand,
  },
  {
    command: 'configs',
    describe: 'Describe and change configs of topics, brokers and groups',
    load: async () => (await import('./configs/index.js')).configsCommand,
  },
  {
    command: 'pipeline',
    describe: 'Exactly-once stages between topics: shell commands, JS map/filter, multi-stage files',
    load: async () => (await import('./pipeline/index.js')).pipelineCommand,
  },
  {
    command: 'registry',
    describe: 'Schema Registry: subjects, versions, schemas, compatibility (Confluent API; Apicurio, Confluent, Redpanda, Karapace)',
    load: async () => (await import('./registry/index.js')).registryCommand,
  },
  {
    command: 'copy [source] [destination]',
    describe: 'Copy records between topics or clusters, keeping keys, headers, timestamps and partitions; re-drive a DLQ',
    load: async () => (await import('./copy/index.js')).copyCommand,
  },
  {
    command: 'top [groups..]',
    describe: 'Live view of consumer groups: lag, trend, consume and produce rates, age of the oldest unread record',
    load: async () => (await import('./top.js')).topCommand,
  },
  {
    command: 'transactions',
    describe: 'List, describe and abort transactions; find the producer holding a partition back',
    load: async () => (await import('./transactions/index.js')).transactionsCommand,
  },
  {
    command: 'acls',
    describe: 'List, create and delete ACLs (the cluster needs an authorizer)',
    load: async () => (await import('./acls/index.js')).aclsCommand,
  },
  {
    command: 'users',
    describe: 'List, create and delete SCRAM users (their credentials live in the cluster)',
    load: async () => (await import('./users/index.js')).usersCommand,
  },
  {
    command: 'profile',
    describe: 'Named connection settings (brokers, SASL, TLS) in the config file',
    load: async () => (await import('./profile/index.js')).profileCommand,
  },
  {
    command: 'completion [shell]',
    describe: 'Print a shell completion script (commands, flags, and topic and group names from the broker)',
    load: async () => (await import('./completion.js')).completionCommand,
  },
];

/** The command's name: the first word of its `command`. */
export const commandName = (c: Pick<TopCommand, 'command'>): string => c.command.split(' ')[0]!;

/**
 * The command modules `args` may run: those whose name is one of its words (yargs picks a command
 * by an exact word; a flag's value that happens to be a name only costs an import). The others
 * are stand-ins with a name and summary, enough for yargs to list them; never named, never run.
 */
export async function commandsFor(args: string[]): Promise<CommandFactory[]> {
  const words = new Set(args);
  const standIn = (c: TopCommand): CommandFactory => () => ({ command: c.command, describe: c.describe, handler: () => undefined });
  return Promise.all(COMMANDS.map((c) => (words.has(commandName(c)) ? c.load() : standIn(c))));
}
