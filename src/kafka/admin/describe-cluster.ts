// DescribeCluster (API key 60, KIP-700), which kafkajs lacks: the cluster id, the controller and
// every broker with its rack, as the broker the client talks to knows them. kafkajs's
// describeCluster reads Metadata, which has no rack in the version kafkajs speaks.
import { KstreamError } from '../../errors.js';
import type { KafkajsBroker } from '../cluster.js';
import { errorName } from '../protocol/errors.js';
import { pickVersion, sendRaw } from '../protocol/request.js';

export const DESCRIBE_CLUSTER = 60;

export interface ClusterBroker {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface ClusterInfo {
  clusterId: string;
  /** -1 when the broker knows of no active controller. */
  controller: number;
  brokers: ClusterBroker[];
}

export async function describeCluster(broker: KafkajsBroker): Promise<ClusterInfo> {
  // v1 adds an endpoint type for controllers, v2 fenced brokers; v0 answers everything shown here.
  const version = pickVersion(broker, DESCRIBE_CLUSTER, 'DescribeCluster', { min: 0, max: 0 });
  const res = await sendRaw(broker, {
    apiKey: DESCRIBE_CLUSTER,
    apiName: 'DescribeCluster',
    apiVersion: version,
    flexible: true,
    encode: (w) => w.bool(false).tags(),
    decode: (r) => {
      r.int32(); // throttle time
      const error = r.int16();
      const message = r.compactString();
      const clusterId = r.compactString() ?? '';
      const controller = r.int32();
      const brokers = r.compactArray((b) => {
        const nodeId = b.int32();
        const host = b.compactString() ?? '';
        const port = b.int32();
        const rack = b.compactString();
        b.tags();
        return { nodeId, host, port, rack };
      });
      return { error, message, clusterId, controller, brokers };
    },
  });
  if (res.error) throw new KstreamError(`DescribeCluster failed: ${res.message ?? errorName(res.error)} (${errorName(res.error)})`);
  return { clusterId: res.clusterId, controller: res.controller, brokers: res.brokers.sort((a, b) => a.nodeId - b.nodeId) };
}
