// One entry point that turns the command lines of Kafka's scripts (and kcat's habits) into
// kstream's own, before yargs parses them. Each command's rules live next to it, in
// src/commands/<command>/kafka-compat.ts; this file only finds the command and applies the
// settings every command shares (--command-config, kcat's -X).
import { translateConfigs } from '../commands/configs/kafka-compat.js';
import { translateConsume } from '../commands/consume/kafka-compat.js';
import { translateGroups } from '../commands/groups/kafka-compat.js';
import { translateProduce } from '../commands/produce/kafka-compat.js';
import { translateDeleteRecords, translateTopics } from '../commands/topics/kafka-compat.js';
import { translateAcls } from '../commands/acls/kafka-compat.js';
import { translateTransactions } from '../commands/transactions/kafka-compat.js';
import { ArgList } from './args.js';
import { applyClientProperties, keyValues, readPropertiesFile } from './client-properties.js';

export interface Translation {
  args: string[];
  /** Lines for stderr: settings that were ignored. */
  notes: string[];
}

export type Translator = (args: ArgList, notes: string[]) => void;

const TRANSLATORS: Record<string, Translator> = {
  topics: translateTopics,
  produce: translateProduce,
  consume: translateConsume,
  groups: translateGroups,
  configs: translateConfigs,
  // kafka-delete-records.sh: a subcommand of `topics` in kstream.
  'delete-records': translateDeleteRecords,
  acls: translateAcls,
  transactions: translateTransactions,
};

/** Kafka scripts whose kstream command has another name. */
const RENAMED: Record<string, string> = { 'delete-records': 'topics' };

/** Global flags whose value is the next word, so that value is not taken for the command. */
const VALUE_FLAGS = new Set(['-b', '--bootstrap-server', '--brokers', '--profile', '--client-id', '--timeout', '--sasl-mechanism', '--sasl-username', '--sasl-password', '--tls-ca', '--tls-cert', '--tls-key', '--tls-server-name', '--command-config', '-X']);

export function translateKafkaArgs(words: string[]): Translation {
  const notes: string[] = [];
  const at = commandIndex(words);
  if (at === -1) return { args: words, notes };
  const command = words[at]!;
  const rest = new ArgList([...words.slice(0, at), ...words.slice(at + 1)]);
  const config = rest.values('--command-config');
  for (const file of config) notes.push(...applyClientProperties(rest, readPropertiesFile(file, '--command-config'), `--command-config ${file}`));
  const librdkafka = rest.values('-X');
  if (librdkafka.length) notes.push(...applyClientProperties(rest, keyValues(librdkafka, '-X'), '-X'));
  rest.values('--broker-list').forEach((b) => rest.setDefault('--bootstrap-server', b, '-b', '--brokers'));
  TRANSLATORS[command]?.(rest, notes);
  return { args: [RENAMED[command] ?? command, ...rest.list()], notes };
}

function commandIndex(words: string[]): number {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') return -1;
    if (w.startsWith('-')) {
      if (VALUE_FLAGS.has(w)) i++;
      continue;
    }
    return w in TRANSLATORS || ['local', 'pipeline', 'profile', 'completion', 'cluster', 'brokers', 'users'].includes(w) ? i : -1;
  }
  return -1;
}
