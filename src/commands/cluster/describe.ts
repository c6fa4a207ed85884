import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { outputOption, printView, type OutputFormat, type View } from '../../output.js';
import { withAdminSession } from '../../kafka/admin/session.js';
import { gatherCluster, type ClusterDescription } from '../../kafka/admin/cluster-info.js';

export function clusterView(d: ClusterDescription, opts: { apiVersions: boolean }): View {
  const sections: NonNullable<View['sections']> = [
    {
      title: 'UNHEALTHY PARTITIONS',
      view: {
        head: ['TOPIC', 'PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'MIN ISR', 'PROBLEM'],
        rows: d.unhealthy.map((p) => [p.topic, p.partition, p.leader < 0 ? 'none' : p.leader, p.replicas.join(','), p.isr.join(','), p.minIsr, p.problems.join(',')]),
      },
    },
  ];
  if (opts.apiVersions) {
    const ids = d.brokers.map((b) => b.nodeId);
    sections.push({
      title: 'API VERSIONS',
      view: {
        head: ['API', 'KEY', 'CLUSTER', ...ids.map((id) => `BROKER ${id}`)],
        rows: d.brokers[0]?.apiVersions.map((api) => {
          const all = d.apiVersions.find((a) => a.key === api.key);
          return [api.name, api.key, all ? `${all.min}-${all.max}` : 'none', ...d.brokers.map((b) => range(b.apiVersions.find((a) => a.key === api.key)))];
        }) ?? [],
      },
    });
  }
  return {
    head: ['BROKER', 'HOST:PORT', 'RACK', 'CONTROLLER', 'ADVERTISED LISTENERS'],
    rows: d.brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`, b.rack, b.controller ? 'yes' : '', b.advertisedListeners?.join(',')]),
    json: d,
    sections: [{ title: 'CLUSTER', view: { head: ['CLUSTER ID', 'CONTROLLER', 'BROKERS', 'UNHEALTHY PARTITIONS'], rows: [[d.clusterId, d.controller, d.brokers.length, d.unhealthy.length]] } }, ...sections],
  };
}

const range = (r: { min: number; max: number } | undefined) => (r ? `${r.min}-${r.max}` : 'none');

export function describeClusterCommandModule(ctx: Parameters<CommandFactory>[0], command: string | string[], describe: string) {
  return {
    command,
    describe,
    builder: (y: import('yargs').Argv) =>
      y
        .options({
          'api-versions': { type: 'boolean', default: false, describe: 'Also list every API with the versions each broker and the whole cluster speak (always in JSON)' },
          ...outputOption,
        })
        .example('$0 cluster describe', 'Cluster id, controller, brokers, racks, listeners and unhealthy partitions')
        .example('$0 cluster describe --api-versions', 'With the API versions each broker supports')
        .example('$0 brokers list -o json', 'The same as JSON'),
    handler: async (argv: Record<string, unknown>) => {
      const d = await withAdminSession(connectionFrom(ctx, argv), ctx.io, gatherCluster);
      printView(ctx.io, clusterView(d, { apiVersions: argv.apiVersions as boolean }), argv.output as OutputFormat | undefined);
    },
  };
}

export const describeCommand: CommandFactory = (ctx) =>
  describeClusterCommandModule(ctx, 'describe', 'Show the cluster id, controller, brokers with racks and listeners, API versions and unhealthy partitions');
