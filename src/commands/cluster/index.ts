import { groupCommand } from '../command.js';
import { describeClusterCommandModule, describeCommand } from './describe.js';

export const clusterCommand = groupCommand({
  command: 'cluster',
  describe: 'Describe the cluster: brokers, controller, listeners, API versions, unhealthy partitions',
  children: [describeCommand],
  examples: [['$0 cluster describe', 'What kcat -L and rpk cluster info show']],
});

/** `kstream brokers list`: the same view, under the name kafkactl and rpk users reach for. */
export const brokersCommand = groupCommand({
  command: 'brokers',
  describe: 'List the brokers of the cluster (the same as `cluster describe`)',
  children: [(ctx) => describeClusterCommandModule(ctx, ['list', 'ls'], 'List brokers, with the controller, racks, listeners and unhealthy partitions')],
});
