import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Document } from 'yaml';
import { yaml } from '../util/yaml.js';
import { UsageError } from '../errors.js';
import { checkProfile, type Profile } from './schema.js';

/** The config file as read: its profiles, the current one, and the YAML document (to save with comments kept). */
export interface ConfigFile {
  path: string;
  exists: boolean;
  current?: string;
  profiles: Record<string, Profile>;
  /** File mode bits, for the warning about a password readable by others. */
  mode?: number;
  doc: Document;
}

/** `$KSTREAM_CONFIG`, else `$XDG_CONFIG_HOME/kstream/config.yaml`, else ~/.config/kstream/config.yaml. */
export function configPath(env: NodeJS.ProcessEnv): string {
  if (env.KSTREAM_CONFIG) return env.KSTREAM_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'kstream', 'config.yaml');
}

/**
 * The config file a command runs with. A file that KSTREAM_CONFIG names must exist: a typo in
 * the variable would otherwise mean no profile, and so localhost. Only `profile add` creates it.
 */
export function loadConfig(env: NodeJS.ProcessEnv): ConfigFile {
  const path = configPath(env);
  if (env.KSTREAM_CONFIG && !existsSync(path)) {
    throw new UsageError(`KSTREAM_CONFIG names the config file ${path}, which does not exist`, {
      hint: 'fix the path, unset KSTREAM_CONFIG, or create the file with `kstream profile add NAME --bootstrap-server HOST:PORT`',
    });
  }
  return readConfig(path);
}

/** Reads and checks the config file; a missing file is an empty config, a malformed one an error naming file and line. */
export function readConfig(path: string): ConfigFile {
  if (!existsSync(path)) return noConfig(path);
  let text: string;
  let mode: number;
  try {
    text = readFileSync(path, 'utf8');
    mode = statSync(path).mode & 0o777;
  } catch (err) {
    throw new UsageError(`cannot read the config file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return { ...parseConfig(text, path), mode };
}

/** No file yet: an empty config whose document (and the yaml package) is made only if `profile add` writes it. */
function noConfig(path: string): ConfigFile {
  let doc: Document | undefined;
  return {
    path,
    exists: false,
    profiles: {},
    get doc() {
      return (doc ??= new (yaml().Document)({}));
    },
  };
}

/** Parses config text; pure apart from naming `path` in errors, so unit tests feed it strings. */
export function parseConfig(text: string, path: string): ConfigFile {
  const lines = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const { line, col } = problem.linePos?.[0] ?? { line: 0, col: 0 };
    const what = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw configError(path, line, col, what);
  }
  const root = doc.toJS() as unknown;
  if (root === null || root === undefined) return { path, exists: true, profiles: {}, doc: new (yaml().Document)({}) };
  // Where a key path is: the key itself when there is one (an unknown key has no value worth pointing at).
  const at = (keys: string[]) => {
    const parent = keys.length ? doc.getIn(keys.slice(0, -1), true) : undefined;
    const pair = yaml().isMap(parent) ? parent.items.find((p) => yaml().isScalar(p.key) && p.key.value === keys.at(-1)) : undefined;
    const node = (pair?.key ?? doc.getIn(keys, true)) as { range?: [number, number, number] } | undefined;
    return node?.range ? lines.linePos(node.range[0]) : { line: 0, col: 0 };
  };
  const fail = (keys: string[], what: string): never => {
    const { line, col } = at(keys);
    throw configError(path, line, col, what);
  };
  if (typeof root !== 'object' || Array.isArray(root)) fail([], 'the file must be a mapping with `profiles:` (and optionally `current:`)');
  const { current, profiles = {}, ...rest } = root as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) fail([unknown], `unknown key '${unknown}' (expected current, profiles)`);
  if (current !== undefined && current !== null && typeof current !== 'string') fail(['current'], '`current` must be a profile name');
  if (profiles === null || typeof profiles !== 'object' || Array.isArray(profiles)) fail(['profiles'], '`profiles` must be a mapping of name to profile');
  const checked: Record<string, Profile> = {};
  for (const [name, value] of Object.entries(profiles as Record<string, unknown>)) {
    checked[name] = checkProfile(value, (keys, what) => fail(['profiles', name, ...keys], `profile '${name}': ${what}`));
    const password = doc.getIn(['profiles', name, 'sasl', 'password'], true);
    // YAML reads `password: 0123` as the number 123; the password is what was typed.
    if (yaml().isScalar(password) && typeof password.source === 'string') checked[name]!.sasl!.password = password.source;
  }
  return { path, exists: true, current: (current as string | null) ?? undefined, profiles: checked, doc };
}

function configError(path: string, line: number, col: number, what: string): UsageError {
  const where = line > 0 ? `, line ${line}, column ${col}` : '';
  return new UsageError(`malformed config file ${path}${where}: ${what}`, { hint: 'fix the file, or point KSTREAM_CONFIG at another one' });
}

/** Writes the document back, owner-only (it may hold a password), replacing the file atomically. */
export function writeConfig(cfg: ConfigFile): void {
  mkdirSync(dirname(cfg.path), { recursive: true, mode: 0o700 });
  const tmp = `${cfg.path}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, cfg.doc.toString(), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, cfg.path);
}
