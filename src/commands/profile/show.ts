import type { CommandFactory } from '../command.js';
import { configPath, readConfig } from '../../config/file.js';
import { selectProfile } from '../../config/profile.js';
import type { Profile } from '../../config/schema.js';
import { maskProfile } from '../../config/secrets.js';
import { UsageError } from '../../errors.js';
import { outputOption, printView, type OutputFormat, type View } from '../../output.js';

/** Flattens a profile into key/value rows (sasl.username, tls.ca…); secrets must already be masked. */
export function profileView(name: string, current: boolean, profile: Profile): View {
  const rows: Array<[string, string]> = [['name', name], ['current', current ? 'yes' : 'no']];
  const walk = (prefix: string, value: unknown) => {
    if (value === undefined) return;
    if (Array.isArray(value)) rows.push([prefix, value.join(',')]);
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
    else rows.push([prefix, String(value)]);
  };
  walk('', profile);
  return { head: ['KEY', 'VALUE'], rows, json: { name, current, ...profile } };
}

export const showCommand: CommandFactory = (ctx) => ({
  command: 'show [name]',
  describe: 'Show one profile, passwords masked (default: the one in use)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'Profile name' })
      .options({ ...outputOption })
      .example('$0 profile show prod', 'Brokers, SASL and TLS settings of prod')
      .example('$0 profile show -o json', 'The profile in use, as JSON'),
  handler: (argv) => {
    const cfg = readConfig(configPath(ctx.io.env));
    const selected = selectProfile(cfg, (argv.name as string | undefined) ?? (argv.profile as string | undefined), ctx.io.env);
    if (!selected) {
      throw new UsageError(`no profile is in use (config file ${cfg.path})`, { hint: 'name one: `kstream profile show NAME`, or pick one with `kstream profile use NAME`' });
    }
    printView(ctx.io, profileView(selected.name, selected.name === cfg.current, maskProfile(selected.profile)), argv.output as OutputFormat | undefined);
  },
});
