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
  return Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
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
