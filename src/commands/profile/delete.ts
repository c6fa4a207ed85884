import type { CommandFactory } from '../command.js';
import { configPath, readConfig, writeConfig } from '../../config/file.js';
import { selectProfile } from '../../config/profile.js';

export const deleteCommand: CommandFactory = (ctx) => ({
  command: ['delete <name>', 'rm'],
  describe: 'Remove a profile from the config file',
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'Profile name' })
      .example('$0 profile delete staging', 'Forget the staging profile'),
  handler: (argv) => {
    const cfg = readConfig(configPath(ctx.io.env));
    const { name } = selectProfile(cfg, argv.name as string, ctx.io.env)!;
    cfg.doc.deleteIn(['profiles', name]);
    if (cfg.current === name) cfg.doc.delete('current');
    writeConfig(cfg);
    ctx.info(`deleted profile ${name}${cfg.current === name ? '; no profile is current now' : ''} (${cfg.path})`);
  },
});
