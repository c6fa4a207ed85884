import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { configPath, loadConfig, readConfig, type ConfigFile } from './file.js';
import type { Profile } from './schema.js';
import { exposedPasswordWarning } from './secrets.js';

export interface SelectedProfile {
  name: string;
  profile: Profile;
  /** What picked it, for messages: the flag, the environment or the file's `current:`. */
  source: '--profile' | 'KSTREAM_PROFILE' | 'current';
}

/** The profile to use: --profile > KSTREAM_PROFILE > the file's `current:` > none. */
export function selectProfile(cfg: ConfigFile, flag: string | undefined, env: NodeJS.ProcessEnv): SelectedProfile | undefined {
  const [name, source] = flag ? [flag, '--profile' as const] : env.KSTREAM_PROFILE ? [env.KSTREAM_PROFILE, 'KSTREAM_PROFILE' as const] : [cfg.current, 'current' as const];
  if (!name) return undefined;
  const profile = cfg.profiles[name];
  if (!profile) {
    const known = Object.keys(cfg.profiles);
    const from = source === 'current' ? ` (named by \`current:\` in ${cfg.path})` : '';
    throw new UsageError(`unknown profile '${name}'${from}${cfg.exists ? ` in ${cfg.path}` : `: no config file at ${cfg.path}`}`, {
      hint: known.length ? `known profiles: ${known.join(', ')}` : 'create one with `kstream profile add NAME --bootstrap-server HOST:PORT`',
    });
  }
  return { name, profile, source };
}

const warned = new WeakSet<Context>();

/** Reads the config file and picks the profile for this run; warns once if it exposes a password. */
export function profileFor(ctx: Context, flag: string | undefined): SelectedProfile | undefined {
  const cfg = loadConfig(ctx.io.env);
  const warning = exposedPasswordWarning(cfg);
  if (warning && !warned.has(ctx)) {
    warned.add(ctx);
    ctx.warn(warning);
  }
  return selectProfile(cfg, flag, ctx.io.env);
}

/**
 * The profile's default output format, for commands run without --output. Silent on a broken
 * config file: commands that connect report it themselves, and `local` must work regardless.
 */
export function profileOutput(ctx: Context, flag: string | undefined): string | undefined {
  try {
    return selectProfile(readConfig(configPath(ctx.io.env)), flag, ctx.io.env)?.profile.output;
  } catch {
    return undefined;
  }
}
