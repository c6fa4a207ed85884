/** The settings of a one-node KRaft cluster; pure, so its text is unit-tested. */
export interface ServerConfig {
  port: number;
  controllerPort: number;
  logDirs: string;
  /** Listeners added to PLAINTEXT, on 127.0.0.1 (SASL_PLAINTEXT, SSL). */
  extraListeners?: Array<{ name: string; port: number }>;
  /** Extra broker properties, e.g. for SASL or TLS listeners; these win over the defaults. */
  extra?: Record<string, string>;
}

export function serverProperties(cfg: ServerConfig): string {
  return render(oneNodeProperties(cfg));
}

const render = (props: Record<string, string>) => Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';

function oneNodeProperties(cfg: ServerConfig): Record<string, string> {
  const extra = (cfg.extraListeners ?? []).map((l) => `,${l.name}://127.0.0.1:${l.port}`).join('');
  const props: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${cfg.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${cfg.port},CONTROLLER://127.0.0.1:${cfg.controllerPort}${extra}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${cfg.port}${extra}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': cfg.logDirs,
    'num.partitions': '1',
    // One node: internal topics cannot have more than one replica, or groups and transactions fail.
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    // Consumers in a lab should not wait three seconds for their first rebalance.
    'group.initial.rebalance.delay.ms': '0',
    'auto.create.topics.enable': 'false',
    ...cfg.extra,
  };
  return props;
}

/** One node of a local multi-node cluster: every node is a broker and a controller voter. */
export interface ClusterNodeConfig {
  nodeId: number;
  port: number;
  controllerPort: number;
  logDirs: string;
  /** `id@host:port` of every voter, the same on every node. */
  voters: string;
  /** How many nodes the cluster has: the replication defaults follow it. */
  size: number;
  extra?: Record<string, string>;
}

/** The settings of one node of an N-node KRaft cluster on loopback; pure, so its text is unit-tested. */
export function clusterNodeProperties(cfg: ClusterNodeConfig): string {
  const replicas = String(Math.min(3, cfg.size));
  // With three copies, two must have a write before acks=all succeeds: one node may then die
  // without losing an acknowledged record, and writes go on. With two nodes only one copy is required.
  const minIsr = String(Math.max(1, Number(replicas) - 1));
  return render({
    ...oneNodeProperties({ port: cfg.port, controllerPort: cfg.controllerPort, logDirs: cfg.logDirs }),
    'node.id': String(cfg.nodeId),
    'controller.quorum.voters': cfg.voters,
    'default.replication.factor': replicas,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': replicas,
    'transaction.state.log.replication.factor': replicas,
    'transaction.state.log.min.isr': minIsr,
    // Fewer internal partitions than the 50 of a production cluster: each is a log every node
    // recovers after a kill -9, and a two-core laptop has better things to do.
    'offsets.topic.num.partitions': '10',
    'transaction.state.log.num.partitions': '10',
    // A killed node should lose its partitions' leadership within seconds (default 9s), yet a
    // node stalled for a moment on a busy machine (GC, CPU) must not be fenced.
    'broker.heartbeat.interval.ms': '1000',
    'broker.session.timeout.ms': '6000',
    // Threads sized for a laptop rather than a server (defaults 3 network, 8 I/O).
    'num.network.threads': '2',
    'num.io.threads': '4',
    ...cfg.extra,
  });
}

export const LOG4J_PROPERTIES = [
  'log4j.rootLogger=INFO, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka.request.logger=WARN',
  'log4j.logger.org.apache.kafka.controller=INFO',
  'log4j.logger.state.change.logger=WARN',
  '',
].join('\n');

/** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding, not starting with '-'. */
export function newClusterId(random: () => Buffer): string {
  for (;;) {
    const id = random().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
