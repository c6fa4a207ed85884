import type { CommandFactory } from '../command.js';
import { stopBroker } from '../../local/broker.js';
import { readCluster, stopCluster } from '../../local/cluster.js';
import { defaultDataDir, registryDir } from '../../local/paths.js';
import { stopRegistry } from '../../local/registry.js';

export const stopCommand: CommandFactory = (ctx) => ({
  command: 'stop',
  describe: 'Stop the local broker (or every node of a local cluster) and wait for it to exit',
  builder: (y) =>
    y
      .options({
        'data-dir': { type: 'string', describe: 'The data dir given to `local start`', requiresArg: true },
        clean: { type: 'boolean', default: false, describe: 'Also delete its data dir (every topic and offset)' },
      })
      .example('$0 local stop', 'Stop, keeping data for the next start')
      .example('$0 local stop --clean', 'Stop and forget everything'),
  handler: async (argv) => {
    const dataDir = argv.dataDir ?? defaultDataDir(ctx.io.env);
    // First: --clean deletes the folder its database lives in.
    const registry = await stopRegistry(registryDir(dataDir));
    if (registry) ctx.info(`stopped the Schema Registry at ${registry.url} (pid ${registry.pid})`);
    const cluster = readCluster(dataDir);
    if (cluster) {
      const stopped = await stopCluster(cluster, { clean: argv.clean });
      ctx.info(stopped.length ? `stopped ${stopped.length} of ${cluster.nodes.length} nodes of the cluster at ${cluster.bootstrap} (pid ${stopped.map((s) => s.pid).join(', ')})` : `no node of the local cluster was running (data dir ${dataDir})`);
    } else {
      const state = await stopBroker(dataDir, { clean: argv.clean });
      ctx.info(state ? `stopped the broker at ${state.bootstrap} (pid ${state.pid})` : `no local broker was running (data dir ${dataDir})`);
    }
    if (argv.clean) ctx.info(`deleted ${dataDir}`);
  },
});
