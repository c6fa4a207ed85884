// `local start --schema-registry`: a Schema Registry started beside the broker (or cluster) of a
// data dir, at the same time as it (two JVMs starting one after the other take longer), both or
// neither: if one fails to start, the other is stopped.
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { brokerStatus, portIsFree, stopBroker } from '../../local/broker.js';
import { clusterStatus, readCluster, stopCluster } from '../../local/cluster.js';
import { registryDir } from '../../local/paths.js';
import { DEFAULT_REGISTRY_PORT, findRegistryJava, readRegistryState, REGISTRY_VERSION, registryStatus, startRegistry, stopRegistry, type RegistryState } from '../../local/registry.js';
import { parseInteger } from '../../util/kv.js';

export const registryStartOptions = {
  'schema-registry': { type: 'boolean', default: false, describe: `Also run a Schema Registry (Apicurio ${REGISTRY_VERSION}, Confluent-compatible API; needs Java 21+)`, group: 'Schema Registry:' },
  'schema-registry-port': { type: 'string', describe: `Its HTTP port on 127.0.0.1 (default ${DEFAULT_REGISTRY_PORT})`, requiresArg: true, group: 'Schema Registry:' },
} as const;

export interface RegistryBeside {
  requested: boolean;
  /** Starts the registry, then Kafka by `kafka()`, and awaits Kafka; if that fails, stops the registry too. */
  guard<T>(kafka: () => Promise<T>): Promise<T>;
  /** Awaits the registry (starting it if guard did not); if it fails, stops the Kafka guard started. Its URL goes to stdout. */
  finish(): Promise<void>;
}

/** The running Kafka of a data dir (one broker, or every node of a cluster), or undefined. */
export function runningKafka(dataDir: string): { bootstrap: string } | undefined {
  const cluster = readCluster(dataDir);
  if (cluster) return clusterStatus(cluster).every((n) => n.broker) ? cluster : undefined;
  return brokerStatus(dataDir);
}

const NONE: RegistryBeside = { requested: false, guard: (kafka) => kafka(), finish: async () => undefined };

/**
 * The registry of `dataDir`, when --schema-registry asks for one (otherwise guard and finish only
 * run Kafka). Checks for Java 21+ at once, before anything starts: the likeliest failure on a new
 * machine.
 */
export async function registryBeside(ctx: Context, dataDir: string, argv: { schemaRegistry?: boolean; schemaRegistryPort?: string }, waitMs: number): Promise<RegistryBeside> {
  if (!argv.schemaRegistry) {
    if (argv.schemaRegistryPort !== undefined) throw new UsageError('--schema-registry-port needs --schema-registry');
    return NONE;
  }
  const port = parseInteger(argv.schemaRegistryPort ?? DEFAULT_REGISTRY_PORT, '--schema-registry-port', 1, 65535);
  const dir = registryDir(dataDir);
  const running = registryStatus(dir);
  if (running) throw new UsageError(`a Schema Registry is already running at ${running.url} (pid ${running.pid})`, { hint: 'stop it with `kstream local stop`' });
  findRegistryJava(ctx.io.env);
  // startRegistry checks it too, but only once the broker is starting: fail before that.
  if (!(await portIsFree(port))) throw new UsageError(`port ${port} on 127.0.0.1 (Schema Registry) is already in use`, { hint: 'choose another with --schema-registry-port' });
  let registry: Promise<RegistryState> | undefined;
  const start = () => {
    registry ??= startRegistry({ dir, port, waitMs, env: ctx.io.env, onProgress: (line) => ctx.info(line) });
    // Awaited in guard() or finish(); until then a rejection must not count as unhandled.
    registry.catch(() => undefined);
    return registry;
  };
  let startedKafka = false;
  return {
    requested: true,
    async guard(kafka) {
      const starting = start();
      try {
        const result = await kafka();
        startedKafka = true;
        return result;
      } catch (err) {
        await starting.then(() => stopRegistry(dir), () => undefined);
        throw err;
      }
    },
    async finish() {
      let state: RegistryState;
      try {
        state = await start();
      } catch (err) {
        if (startedKafka) await stopKafka(dataDir);
        throw err;
      }
      ctx.info(`${ctx.color.green('Schema Registry is running')} (${state.server} on ${state.java}, pid ${state.pid}); log: ${state.logFile}`);
      ctx.io.stdout.write(state.url + '\n');
    },
  };
}

async function stopKafka(dataDir: string): Promise<void> {
  const cluster = readCluster(dataDir);
  if (cluster) await stopCluster(cluster, { clean: false });
  else await stopBroker(dataDir, { clean: false });
}

/** For `local status`: the registry of the data dir, if it ever had one. */
export function registryStatusOf(dataDir: string): { running: boolean; url: string; pid?: number; logFile: string } | undefined {
  const dir = registryDir(dataDir);
  const running = registryStatus(dir);
  if (running) return { running: true, url: running.url, pid: running.pid, logFile: running.logFile };
  const last = readRegistryState(dir);
  return last && { running: false, url: last.url, logFile: last.logFile };
}

/** The line `local status` prints for it. */
export function registryLine(status: NonNullable<ReturnType<typeof registryStatusOf>>): string {
  return status.running ? `schema registry: ${status.url} (pid ${status.pid})` : `schema registry: not running (was ${status.url})`;
}
