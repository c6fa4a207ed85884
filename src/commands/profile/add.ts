import type { CommandFactory } from '../command.js';
import { parseBrokers, type ConnectionArgs } from '../../connection.js';
import { configPath, readConfig, writeConfig } from '../../config/file.js';
import { checkProfile, type Profile } from '../../config/schema.js';
import { KstreamError, UsageError } from '../../errors.js';
import { registryOptions, type RegistryArgs } from '../../registry/settings.js';

export interface AddProfileArgs extends ConnectionArgs, RegistryArgs {
  saslPasswordEnv?: string;
  saslPasswordFile?: string;
  defaultOutput?: string;
  schemaRegistryPasswordEnv?: string;
  schemaRegistryPasswordFile?: string;
  schemaRegistryTokenEnv?: string;
}

/** The profile the flags describe; only flags count here, not the environment or another profile. */
export function profileFromFlags(args: AddProfileArgs): Profile {
  if (!args.bootstrapServer) throw new UsageError('a profile needs brokers', { hint: 'pass --bootstrap-server HOST:PORT[,HOST:PORT]' });
  let brokers: string[];
  try {
    brokers = parseBrokers(args.bootstrapServer);
  } catch (err) {
    throw new UsageError((err as KstreamError).message, { hint: (err as KstreamError).hint });
  }
  const raw: Record<string, unknown> = { brokers, clientId: args.clientId, output: args.defaultOutput };
  const passwords = [args.saslPassword, args.saslPasswordEnv, args.saslPasswordFile].filter((p) => p !== undefined);
  if (passwords.length > 1) throw new UsageError('give only one of --sasl-password, --sasl-password-env, --sasl-password-file');
  if (args.saslMechanism || args.saslUsername || passwords.length) {
    if (!args.saslMechanism || !args.saslUsername) throw new UsageError('SASL needs --sasl-mechanism and --sasl-username');
    raw.sasl = { mechanism: args.saslMechanism, username: args.saslUsername, password: args.saslPassword, passwordEnv: args.saslPasswordEnv, passwordFile: args.saslPasswordFile };
  }
  const tls = { ca: args.tlsCa, cert: args.tlsCert, key: args.tlsKey, serverName: args.tlsServerName, insecureSkipVerify: args.insecureSkipVerify };
  if (args.tls || Object.values(tls).some((v) => v !== undefined)) raw.tls = tls;
  raw.schemaRegistry = registryFromFlags(args);
  return checkProfile(JSON.parse(JSON.stringify(raw)), (keys, what) => {
    throw new UsageError(`${what} (${keys.join('.')})`);
  });
}

/** The profile's schemaRegistry from the flags; user info in the URL stays in the URL, as given. */
function registryFromFlags(args: AddProfileArgs): Record<string, unknown> | undefined {
  const settings = {
    url: args.schemaRegistry,
    username: args.schemaRegistryUser,
    password: args.schemaRegistryPassword,
    passwordEnv: args.schemaRegistryPasswordEnv,
    passwordFile: args.schemaRegistryPasswordFile,
    token: args.schemaRegistryToken,
    tokenEnv: args.schemaRegistryTokenEnv,
    ca: args.schemaRegistryCa,
  };
  if (Object.values(settings).every((v) => v === undefined)) return undefined;
  if (!settings.url) throw new UsageError('the Schema Registry flags need --schema-registry URL');
  return settings;
}

export const addCommand: CommandFactory = (ctx) => ({
  command: 'add <name>',
  describe: 'Save connection flags as a named profile',
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'Profile name (letters, digits, . _ -)' })
      .options({
        'sasl-password-env': { type: 'string', describe: 'Read the SASL password from this environment variable at run time', requiresArg: true },
        'sasl-password-file': { type: 'string', describe: 'Read the SASL password from this file at run time', requiresArg: true },
        'default-output': { type: 'string', choices: ['table', 'plain', 'json'], describe: 'Output format for commands run with this profile', requiresArg: true },
        use: { type: 'boolean', default: false, describe: 'Also make it the current profile' },
        force: { type: 'boolean', default: false, describe: 'Replace a profile of the same name' },
        ...registryOptions,
        'schema-registry-password-env': { type: 'string', describe: 'Read the registry password from this environment variable at run time', requiresArg: true, group: registryOptions['schema-registry'].group },
        'schema-registry-password-file': { type: 'string', describe: 'Read the registry password from this file at run time', requiresArg: true, group: registryOptions['schema-registry'].group },
        'schema-registry-token-env': { type: 'string', describe: 'Read a bearer token from this environment variable at run time', requiresArg: true, group: registryOptions['schema-registry'].group },
      })
      .example('$0 profile add local -b 127.0.0.1:9092 --use', 'A profile for the local broker, made current')
      .example('$0 profile add prod -b k1:9093,k2:9093 --sasl-mechanism scram-sha-512 --sasl-username app --sasl-password-env PROD_PW --tls-ca ca.pem', 'SCRAM over TLS, password from the environment')
      .example('$0 profile add prod -b k1:9093 --schema-registry https://sr:8081 --schema-registry-user app --schema-registry-password-env SR_PW --schema-registry-ca ca.pem', 'With a Schema Registry behind basic auth and TLS'),
  handler: (argv) => {
    const name = argv.name as string;
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new UsageError(`'${name}' is not a valid profile name`, { hint: 'use letters, digits, dots, underscores or hyphens' });
    const profile = profileFromFlags(argv as AddProfileArgs);
    const cfg = readConfig(configPath(ctx.io.env));
    if (cfg.profiles[name] && !argv.force) {
      throw new UsageError(`profile '${name}' already exists in ${cfg.path}`, { hint: 'pass --force to replace it' });
    }
    const makeCurrent = argv.use || !cfg.current;
    // Set before the profile so that a new file starts with `current:`.
    if (makeCurrent) cfg.doc.set('current', name);
    cfg.doc.setIn(['profiles', name], profile);
    writeConfig(cfg);
    ctx.info(`saved profile ${name} in ${cfg.path}${makeCurrent ? ' (current)' : ''}`);
    if (profile.schemaRegistry?.password !== undefined || profile.schemaRegistry?.token !== undefined || /\/\/[^/@]*:[^/@]*@/.test(profile.schemaRegistry?.url ?? '')) {
      ctx.warn(`the Schema Registry secret is stored as plain text in ${cfg.path} (owner-only); --schema-registry-password-env, --schema-registry-password-file or --schema-registry-token-env keep it out of the file`);
    }
    if (profile.sasl?.password !== undefined) {
      ctx.warn(`the password is stored as plain text in ${cfg.path} (owner-only); --sasl-password-env or --sasl-password-file keep it out of the file`);
    }
  },
});
