import type { CommandFactory } from '../command.js';
import type { Context } from '../../context.js';
import { freePort, isFormatted, startBroker, type BrokerState } from '../../local/broker.js';
import { MAX_NODES, readCluster, startCluster } from '../../local/cluster.js';
import { defaultDataDir } from '../../local/paths.js';
import { UsageError } from '../../errors.js';
import { join } from 'node:path';
import { DEFAULT_SASL_USER, parseSaslUser, planSecurity } from '../../local/security.js';
import { ensureTlsFiles } from '../../local/tls.js';
import { parseDuration } from '../../util/duration.js';
import { parseInteger } from '../../util/kv.js';
import { registryBeside, registryStartOptions, runningKafka } from './registry.js';

const port = (value: unknown, flag: string) => (value === undefined ? undefined : parseInteger(value, flag, 1, 65535));

export const startCommand: CommandFactory = (ctx) => ({
  command: 'start',
  describe: 'Start a single-node Apache Kafka (KRaft) on 127.0.0.1, detached',
  builder: (y) =>
    y
      .options({
        port: { type: 'string', describe: 'Client port on 127.0.0.1 (default 9092; with --nodes, node N uses port + N - 1)', requiresArg: true },
        nodes: { type: 'string', describe: 'Run a cluster of this many KRaft nodes, each broker and controller (default 1)', requiresArg: true },
        'controller-port': { type: 'string', describe: 'KRaft controller port (default: a free one, kept across restarts)', requiresArg: true },
        'data-dir': { type: 'string', describe: 'Where data, config, log and state live (default: ~/.local/share/kstream/local)', requiresArg: true },
        'kafka-home': { type: 'string', describe: 'An unpacked Apache Kafka distribution to run instead of the Maven jars (env KAFKA_HOME)', requiresArg: true },
        wait: { type: 'string', default: '90s', describe: 'How long to wait for the broker to answer', requiresArg: true },
        sasl: { type: 'boolean', default: false, describe: 'Add a SASL_PLAINTEXT listener (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)', group: 'Security listeners:' },
        'sasl-port': { type: 'string', describe: 'Port of the SASL listener (default: a free one)', requiresArg: true, group: 'Security listeners:' },
        'sasl-user': {
          type: 'string', array: true, requiresArg: true, group: 'Security listeners:',
          describe: `NAME:PASSWORD of a SASL user (repeatable; default ${DEFAULT_SASL_USER.name}:${DEFAULT_SASL_USER.password}); SCRAM users are created on the first start of a data dir only`,
        },
        tls: { type: 'boolean', default: false, describe: 'Add an SSL listener with certificates made for this data dir', group: 'Security listeners:' },
        'tls-port': { type: 'string', describe: 'Port of the SSL listener (default: a free one)', requiresArg: true, group: 'Security listeners:' },
        'sasl-ssl-port': { type: 'string', describe: 'With --sasl and --tls: port of the SASL_SSL listener (default: a free one)', requiresArg: true, group: 'Security listeners:' },
        ...registryStartOptions,
      })
      .example('$0 local start', 'Broker on 127.0.0.1:9092')
      .example('$0 local start --port 19092 --data-dir /tmp/k2', 'A second, separate broker')
      .example('$0 local start --nodes 3 --data-dir /tmp/k3', 'Three nodes on 127.0.0.1:9092-9094, replication factor 3')
      .example('$0 local start --sasl --sasl-user alice:alice-secret --tls', 'With SASL and TLS listeners besides PLAINTEXT')
      .example('$0 local start --schema-registry', 'And a Schema Registry at http://127.0.0.1:8081/apis/ccompat/v7'),
  handler: async (argv) => {
    const dataDir = argv.dataDir ?? defaultDataDir(ctx.io.env);
    const kafkaUp = argv.schemaRegistry ? runningKafka(dataDir) : undefined;
    const registry = await registryBeside(ctx, dataDir, { schemaRegistry: argv.schemaRegistry, schemaRegistryPort: argv.schemaRegistryPort }, parseDuration(argv.wait, '--wait'));
    if (registry.requested && kafkaUp) {
      ctx.info(`Kafka already runs at ${kafkaUp.bootstrap}; starting a Schema Registry beside it`);
      ctx.io.stdout.write(kafkaUp.bootstrap + '\n');
      return registry.finish();
    }
    const cluster = readCluster(dataDir);
    const nodes = argv.nodes === undefined ? cluster?.nodes.length ?? 1 : parseInteger(argv.nodes, '--nodes', 1, MAX_NODES);
    if (nodes > 1 || cluster) {
      await registry.guard(() => startLocalCluster(ctx, { dataDir, nodes, port: argv.port, kafkaHome: argv.kafkaHome, wait: argv.wait, sasl: argv.sasl, tls: argv.tls }));
      return registry.finish();
    }
    const users = ((argv.saslUser as string[] | undefined) ?? []).map(parseSaslUser);
    if (argv.sasl && users.length && isFormatted(dataDir)) {
      ctx.warn(`${dataDir} is already formatted: SCRAM users are only created on a first start (PLAIN users apply now)`);
    }
    const request = {
      dataDir,
      sasl: argv.sasl,
      saslPort: port(argv.saslPort, '--sasl-port'),
      users: users.length ? users : [DEFAULT_SASL_USER],
      tls: argv.tls,
      tlsPort: port(argv.tlsPort, '--tls-port'),
      saslSslPort: port(argv.saslSslPort, '--sasl-ssl-port'),
    };
    const plan = await planSecurity(request, freePort, ensureTlsFiles);
    const state = await registry.guard(() => startBroker({
      dataDir,
      port: parseInteger(argv.port ?? '9092', '--port', 1, 65535),
      controllerPort: port(argv.controllerPort, '--controller-port'),
      kafkaHome: argv.kafkaHome,
      waitMs: parseDuration(argv.wait, '--wait'),
      env: ctx.io.env,
      onProgress: (line) => ctx.info(line),
      ...plan,
      security: plan.extraListeners.length ? plan.security : undefined,
    }));
    ctx.info(`${ctx.color.green('Kafka is running')} (${state.kafka}, pid ${state.pid}); log: ${state.logFile}`);
    printListeners(ctx, state);
    ctx.io.stdout.write(state.bootstrap + '\n');
    await registry.finish();
  },
});

async function startLocalCluster(ctx: Context, argv: { dataDir: string; nodes: number; port?: string; kafkaHome?: string; wait: string; sasl: boolean; tls: boolean }) {
  if (argv.sasl || argv.tls) throw new UsageError('--sasl and --tls are for a one-node broker; a cluster has PLAINTEXT listeners only', { hint: 'drop them, or start without --nodes' });
  const { state, started } = await startCluster({
    dataDir: argv.dataDir,
    nodes: argv.nodes,
    port: port(argv.port, '--port'),
    kafkaHome: argv.kafkaHome,
    waitMs: parseDuration(argv.wait, '--wait'),
    env: ctx.io.env,
    onProgress: (line) => ctx.info(line),
  });
  const which = started.length === state.nodes.length ? `all ${started.length} nodes` : `node ${started.map((s) => s.node.nodeId).join(', ')}`;
  ctx.info(`${ctx.color.green('Kafka cluster is running')}: started ${which} (${started[0]!.broker!.kafka}); logs: ${join(state.dataDir, 'node-N', 'server.log')}`);
  for (const s of started) ctx.info(`node ${s.node.nodeId}: ${s.broker!.bootstrap} (pid ${s.broker!.pid})`);
  ctx.io.stdout.write(state.bootstrap + '\n');
}

/** One line per security listener on stderr: where it is and what a client needs. */
export function printListeners(ctx: Context, state: BrokerState): void {
  const sec = state.security ?? {};
  if (state.listeners?.SASL_PLAINTEXT) {
    ctx.info(`SASL_PLAINTEXT at ${state.listeners.SASL_PLAINTEXT} (${sec.saslMechanisms?.join(', ')}; users: ${sec.saslUsers?.join(', ')})`);
  }
  if (state.listeners?.SSL) {
    ctx.info(`SSL at ${state.listeners.SSL} (--tls-ca ${sec.tlsCa}; for mutual TLS --tls-cert ${sec.tlsClientCert} --tls-key ${sec.tlsClientKey})`);
  }
  if (state.listeners?.SASL_SSL) ctx.info(`SASL_SSL at ${state.listeners.SASL_SSL} (SASL over TLS: the SASL flags and --tls-ca together)`);
}
