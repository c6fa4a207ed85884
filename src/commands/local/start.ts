import type { CommandFactory } from '../command.js';
import { startBroker } from '../../local/broker.js';
import { defaultDataDir } from '../../local/paths.js';
import { parseDuration } from '../../util/duration.js';
import { parseInteger } from '../../util/kv.js';

export const startCommand: CommandFactory = (ctx) => ({
  command: 'start',
  describe: 'Start a single-node Apache Kafka (KRaft) on 127.0.0.1, detached',
  builder: (y) =>
    y
      .options({
        port: { type: 'string', default: '9092', describe: 'Client port on 127.0.0.1', requiresArg: true },
        'controller-port': { type: 'string', describe: 'KRaft controller port (default: a free one, kept across restarts)', requiresArg: true },
        'data-dir': { type: 'string', describe: 'Where data, config, log and state live (default: ~/.local/share/kstream/local)', requiresArg: true },
        'kafka-home': { type: 'string', describe: 'An unpacked Apache Kafka distribution to run instead of the Maven jars (env KAFKA_HOME)', requiresArg: true },
        wait: { type: 'string', default: '90s', describe: 'How long to wait for the broker to answer', requiresArg: true },
      })
      .example('$0 local start', 'Broker on 127.0.0.1:9092')
      .example('$0 local start --port 19092 --data-dir /tmp/k2', 'A second, separate broker'),
  handler: async (argv) => {
    const state = await startBroker({
      dataDir: argv.dataDir ?? defaultDataDir(ctx.io.env),
      port: parseInteger(argv.port, '--port', 1, 65535),
      controllerPort: argv.controllerPort === undefined ? undefined : parseInteger(argv.controllerPort, '--controller-port', 1, 65535),
      kafkaHome: argv.kafkaHome,
      waitMs: parseDuration(argv.wait, '--wait'),
      env: ctx.io.env,
      onProgress: (line) => ctx.info(line),
    });
    ctx.info(`${ctx.color.green('Kafka is running')} (${state.kafka}, pid ${state.pid}); log: ${state.logFile}`);
    ctx.io.stdout.write(state.bootstrap + '\n');
  },
});
