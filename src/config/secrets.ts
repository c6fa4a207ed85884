import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { ConfigFile } from './file.js';
import type { Profile, SaslSettings } from './schema.js';

export const MASK = '********';

/**
 * The SASL password: --sasl-password > KSTREAM_SASL_PASSWORD > the profile's password, passwordEnv or passwordFile.
 * Errors name where the password was looked for, never the password.
 */
export function resolvePassword(flag: string | undefined, env: NodeJS.ProcessEnv, sasl: Partial<SaslSettings> | undefined): string | undefined {
  if (flag !== undefined) return flag;
  if (env.KSTREAM_SASL_PASSWORD) return env.KSTREAM_SASL_PASSWORD;
  return profilePassword(env, sasl, 'sasl');
}

/**
 * The password a profile section (`sasl`, `schemaRegistry`) gives: literally, by passwordEnv or
 * in passwordFile. Errors name the setting, never the password.
 */
export function profilePassword(
  env: NodeJS.ProcessEnv,
  settings: { password?: string; passwordEnv?: string; passwordFile?: string } | undefined,
  section: string,
): string | undefined {
  if (!settings) return undefined;
  if (settings.password !== undefined) return settings.password;
  if (settings.passwordEnv) return secretFromEnv(env, settings.passwordEnv, `${section}.passwordEnv`);
  if (settings.passwordFile) {
    try {
      // One trailing newline is what `echo secret > file` leaves; it is not part of the password.
      return readFileSync(settings.passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new UsageError(`cannot read the password file ${settings.passwordFile} (${section}.passwordFile): ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
  }
  return undefined;
}

/** The value of the environment variable `name`, which the setting `key` names; unset or empty is an error. */
export function secretFromEnv(env: NodeJS.ProcessEnv, name: string | undefined, key: string): string | undefined {
  if (!name) return undefined;
  const value = env[name];
  if (value === undefined || value === '') throw new UsageError(`the environment variable ${name} (${key}) is not set`, { hint: `export ${name}=… before running kstream` });
  return value;
}

/** A copy of the profile fit to print: a literal password is replaced by a mask. */
export function maskProfile(profile: Profile): Profile {
  let masked = profile;
  if (profile.sasl?.password !== undefined) masked = { ...masked, sasl: { ...profile.sasl, password: MASK } };
  const registry = profile.schemaRegistry;
  if (registry && (registry.password !== undefined || registry.token !== undefined || /\/\/[^/@]*:[^/@]*@/.test(registry.url))) {
    masked = {
      ...masked,
      schemaRegistry: {
        ...registry,
        url: registry.url.replace(/\/\/([^/@:]*):[^/@]*@/, `//$1:${MASK}@`),
        ...(registry.password !== undefined && { password: MASK }),
        ...(registry.token !== undefined && { token: MASK }),
      },
    };
  }
  return masked;
}

/** A warning when the file holds a literal password and group or others may read it. */
export function exposedPasswordWarning(cfg: ConfigFile): string | undefined {
  if (cfg.mode === undefined || (cfg.mode & 0o077) === 0) return undefined;
  const holders = Object.entries(cfg.profiles).filter(([, p]) => p.sasl?.password !== undefined || p.schemaRegistry?.password !== undefined || p.schemaRegistry?.token !== undefined).map(([n]) => n);
  if (holders.length === 0) return undefined;
  return `${cfg.path} holds a password (profile ${holders.join(', ')}) and is readable by others (mode ${cfg.mode.toString(8).padStart(3, '0')}); run \`chmod 600 ${cfg.path}\`, or use sasl.passwordEnv or sasl.passwordFile`;
}

/** Replaces every occurrence of each secret in `text`, for log lines that might echo one. */
export function redact(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join(MASK);
  return out;
}
