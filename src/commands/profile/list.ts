import type { CommandFactory } from '../command.js';
import { configPath, readConfig, type ConfigFile } from '../../config/file.js';
import { outputOption, printView, type OutputFormat, type View } from '../../output.js';

export interface ProfileSummary {
  name: string;
  current: boolean;
  brokers: string[];
  sasl: { mechanism: string; username: string } | null;
  tls: boolean;
}

export function summarize(cfg: ConfigFile): ProfileSummary[] {
  return Object.entries(cfg.profiles)
    .map(([name, p]) => ({
      name,
      current: name === cfg.current,
      brokers: p.brokers ?? [],
      sasl: p.sasl ? { mechanism: p.sasl.mechanism, username: p.sasl.username } : null,
      tls: p.tls !== undefined,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function profilesView(profiles: ProfileSummary[]): View {
  return {
    head: ['NAME', 'CURRENT', 'BROKERS', 'SASL', 'TLS'],
    rows: profiles.map((p) => [p.name, p.current ? '*' : '', p.brokers.join(','), p.sasl ? `${p.sasl.mechanism} as ${p.sasl.username}` : '-', p.tls ? 'yes' : 'no']),
    plain: profiles.map((p) => p.name),
    json: profiles,
  };
}

export const listCommand: CommandFactory = (ctx) => ({
  command: ['list', 'ls'],
  describe: 'List the profiles of the config file',
  builder: (y) =>
    y
      .options({ ...outputOption })
      .example('$0 profile list', 'Names, brokers, SASL and TLS; * marks the current one')
      .example('$0 profile list -o json', 'The same as JSON'),
  handler: (argv) => {
    const cfg = readConfig(configPath(ctx.io.env));
    if (!cfg.exists) ctx.info(`no config file at ${cfg.path}; add a profile with \`kstream profile add NAME -b HOST:PORT\``);
    printView(ctx.io, profilesView(summarize(cfg)), argv.output as OutputFormat | undefined);
  },
});
