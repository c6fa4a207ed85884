import type { CommandFactory } from '../command.js';
import type { Context } from '../../context.js';
import { KstreamError, ExitCode } from '../../errors.js';
import { brokerStatus } from '../../local/broker.js';
import { clusterStatus, readCluster, type ClusterState } from '../../local/cluster.js';
import { defaultDataDir } from '../../local/paths.js';
import { outputOption } from '../../output.js';
import { registryLine, registryStatusOf } from './registry.js';

export const statusCommand: CommandFactory = (ctx) => ({
  command: 'status',
  describe: 'Say whether the local broker (or every node of a local cluster) runs, and where (exit 1 when not)',
  builder: (y) =>
    y
      .options({
        'data-dir': { type: 'string', describe: 'The data dir given to `local start`', requiresArg: true },
        ...outputOption,
      })
      .example('$0 local status', 'running at 127.0.0.1:9092 …'),
  handler: async (argv) => {
    const dataDir = argv.dataDir ?? defaultDataDir(ctx.io.env);
    const cluster = readCluster(dataDir);
    const registry = registryStatusOf(dataDir);
    if (cluster) return printClusterStatus(ctx, cluster, argv.output === 'json', registry);
    const state = brokerStatus(dataDir);
    if (argv.output === 'json') {
      ctx.io.stdout.write(JSON.stringify({ ...(state ? { running: true, ...state } : { running: false, dataDir }), ...(registry && { schemaRegistry: registry }) }) + '\n');
    } else if (state) {
      ctx.io.stdout.write(`running at ${state.bootstrap} (pid ${state.pid}, since ${state.startedAt})\ndata: ${state.dataDir}\nlog:  ${state.logFile}\n`);
      for (const [protocol, address] of Object.entries(state.listeners ?? {})) ctx.io.stdout.write(`${protocol}: ${address}\n`);
    }
    if (registry && argv.output !== 'json') ctx.io.stdout.write(registryLine(registry) + '\n');
    if (!state) throw new KstreamError(`not running (data dir ${dataDir})`, { exitCode: ExitCode.USAGE, hint: 'start it with `kstream local start`' });
  },
});

/** One line per node; exit 1 unless every node runs, naming those that do not. */
function printClusterStatus(ctx: Context, cluster: ClusterState, json: boolean, registry: ReturnType<typeof registryStatusOf>): void {
  const nodes = clusterStatus(cluster);
  const down = nodes.filter((n) => !n.broker).map((n) => n.node.nodeId);
  if (json) {
    const view = nodes.map(({ node, broker }) => ({ ...node, running: broker !== undefined, ...(broker && { pid: broker.pid, startedAt: broker.startedAt, logFile: broker.logFile }) }));
    ctx.io.stdout.write(JSON.stringify({ running: down.length === 0, bootstrap: cluster.bootstrap, dataDir: cluster.dataDir, clusterId: cluster.clusterId, nodes: view, ...(registry && { schemaRegistry: registry }) }) + '\n');
  } else {
    for (const { node, broker } of nodes) {
      ctx.io.stdout.write(broker ? `node ${node.nodeId} running at ${broker.bootstrap} (pid ${broker.pid}, since ${broker.startedAt})\n` : `node ${node.nodeId} not running (127.0.0.1:${node.port})\n`);
    }
    ctx.io.stdout.write(`bootstrap: ${cluster.bootstrap}\ndata: ${cluster.dataDir}\n`);
    if (registry) ctx.io.stdout.write(registryLine(registry) + '\n');
  }
  if (down.length === nodes.length) {
    throw new KstreamError(`no node of the cluster runs (data dir ${cluster.dataDir})`, { exitCode: ExitCode.USAGE, hint: 'start it with `kstream local start --data-dir …`' });
  }
  if (down.length > 0) {
    throw new KstreamError(`${down.length} of ${nodes.length} nodes not running (node ${down.join(', ')})`, {
      exitCode: ExitCode.USAGE, hint: `start ${down.length === 1 ? 'it' : 'them'} again with \`kstream local start --data-dir ${cluster.dataDir}\``,
    });
  }
}
