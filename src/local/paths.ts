import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const KAFKA_VERSION = '3.9.2';

/** Where `kstream local` keeps its broker's data, config, log and state by default. */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  return join(base, 'kstream', 'local');
}

/** Where the Kafka jars resolved from Maven Central are kept, so later starts need no network. */
export function kafkaCacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.KSTREAM_CACHE_DIR || join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'kstream');
  return join(base, `kafka-${KAFKA_VERSION}`);
}

export const REGISTRY_VERSION = '3.3.3';

/** Where the unpacked Apicurio Registry server is kept, beside the Kafka jars. */
export function registryCacheDir(env: NodeJS.ProcessEnv): string {
  return join(dirname(kafkaCacheDir(env)), `apicurio-registry-${REGISTRY_VERSION}`);
}

/** The Schema Registry of a `kstream local` data dir (state, log, database). */
export const registryDir = (dataDir: string) => join(dataDir, 'registry');
