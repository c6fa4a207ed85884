import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { withAdmin, type KafkaAdmin } from '../../kafka/admin/index.js';
import { outputOption, printView, render, resolveFormat, type OutputFormat } from '../../output.js';
import { describeEntityConfigs, describeEntityQuotas, entityNames, configsView, quotasView, type EntityConfigs, type EntityQuotas } from './configs.js';
import { entityLabel, isQuotaType, selectEntity, type EntitySelection } from './entity.js';
import { entityFlags, entityOptions } from './flags.js';

type Described = EntityConfigs | EntityQuotas;

export async function describeConfigs(admin: KafkaAdmin, sel: EntitySelection, all: boolean): Promise<Described[]> {
  const out: Described[] = [];
  for (const name of await entityNames(admin, sel)) {
    const { type } = sel;
    out.push(isQuotaType(type) ? await describeEntityQuotas(admin, type, name) : await describeEntityConfigs(admin, { type, name }, all));
  }
  return out;
}

const viewOf = (d: Described) => ('quotas' in d ? quotasView(d) : configsView(d));

/** Several entities: each table under a `topic NAME` line; JSON is an array. */
export function describeAllText(all: Described[], format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(all) + '\n';
  return all.map((d) => `${heading(d)}\n` + render(viewOf(d), format)).join('\n');
}

/** `TOPIC orders`, `BROKER 1`, `BROKER DEFAULTS`: as `topics describe` heads each topic. */
function heading(d: Described): string {
  const [kind, ...name] = entityLabel(d.entityType, d.entityName || 'defaults').split(' ');
  return `${kind!.toUpperCase()} ${name.join(' ')}`;
}

export const describeCommand: CommandFactory = (ctx) => ({
  command: 'describe',
  describe: 'Show the configs of topics, brokers, groups: the values set on them, or with --all every value and its source',
  builder: (y) =>
    y
      .options({
        ...entityOptions,
        all: { type: 'boolean', default: false, describe: 'Every config, with where its value comes from (default: only those set on the entity)' },
        ...outputOption,
      })
      .example('$0 configs describe --topic orders', 'Configs set on the topic')
      .example('$0 configs describe --topic orders --all', 'Every config of the topic, with its source and synonyms')
      .example('$0 configs describe --broker 1 --all -o json', 'A broker\'s configs as JSON')
      .example('$0 configs describe --entity-type brokers --entity-default', 'Cluster-wide dynamic broker defaults')
      .example('$0 configs --describe --entity-type topics --entity-name orders', 'As kafka-configs.sh writes it'),
  handler: async (argv) => {
    const sel = selectEntity(entityFlags(argv));
    const format = argv.output as OutputFormat | undefined;
    const all = await withAdmin(connectionFrom(ctx, argv), ctx.io, (admin) => describeConfigs(admin, sel, argv.all as boolean));
    if (sel.names.length === 1) printView(ctx.io, viewOf(all[0]!), format);
    else ctx.io.stdout.write(describeAllText(all, resolveFormat(format, ctx.io.stdout)));
  },
});
