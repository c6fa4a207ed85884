import type { Context } from './context.js';
import { resolveConnection, type ConnectionArgs } from './config/connection.js';
import { configPath, readConfig } from './config/file.js';
import { selectProfile } from './config/profile.js';

export type Shell = 'bash' | 'zsh';

/** The positional arguments that name topics or groups, by command path, for tab completion. */
const NAMES: Record<string, 'topic' | 'group'> = {
  'topics describe': 'topic',
  'topics alter': 'topic',
  'topics delete': 'topic',
  'topics rm': 'topic',
  'topics clone': 'topic',
  copy: 'topic',
  produce: 'topic',
  consume: 'topic',
  'groups describe': 'group',
  'groups delete': 'group',
  'groups reset-offsets': 'group',
  'groups rm': 'group',
  top: 'group',
};

/** How long a tab press may wait for the broker before completing without names. */
const COMPLETION_TIMEOUT_MS = 1500;

/**
 * Tab completion on top of yargs's (`--get-yargs-completions`): yargs lists commands and flags,
 * and where the word being completed names a topic or group, `names()` asks the broker for them.
 * The broker is asked after yargs is done: an asynchronous yargs completion function lets yargs
 * go on and run the half-typed command itself.
 */
export class NameCompletion {
  private wanted?: { kind: 'topic' | 'group'; current: string; argv: Record<string, unknown> };

  constructor(private readonly ctx: Context) {}

  readonly complete = (current: string, argv: Record<string, unknown>, defaults: (cb: (err: Error | null, c: string[] | undefined) => void) => void, done: (c: string[]) => void) => {
    const words = ((argv._ as unknown[]) ?? []).map(String).filter((w) => w !== 'kstream' && w !== current);
    const kind = current.startsWith('-') ? undefined : NAMES[words.slice(0, 2).join(' ')] ?? NAMES[words[0] ?? ''];
    if (kind) this.wanted = { kind, current, argv };
    defaults((_err, completions) => done(completions ?? []));
  };

  /** The matching names, one per line; empty when none are wanted or the broker does not answer in time. */
  async names(): Promise<string> {
    if (!this.wanted) return '';
    const { kind, current, argv } = this.wanted;
    try {
      const names = (await namesFromBroker(this.ctx, argv, kind)).filter((n) => n.startsWith(current));
      return names.map((n) => n + '\n').join('');
    } catch {
      return '';
    }
  }
}

async function namesFromBroker(ctx: Context, argv: Record<string, unknown>, kind: 'topic' | 'group'): Promise<string[]> {
  // Imported here, not at the top: every run builds a NameCompletion, few ask the broker for names.
  const [{ withDeadline }, { withAdmin }] = await Promise.all([import('./kafka/connection.js'), import('./kafka/admin/index.js')]);
  const args = argv as ConnectionArgs;
  const selected = selectProfile(readConfig(configPath(ctx.io.env)), args.profile, ctx.io.env);
  const conn = { ...resolveConnection(args, ctx.io.env, selected?.profile), timeoutMs: COMPLETION_TIMEOUT_MS, verbose: false };
  const silent = { stderr: { write: () => true } as unknown as NodeJS.WritableStream };
  const list = withAdmin(conn, silent, async (admin) =>
    kind === 'topic' ? (await admin.listTopics()).filter((t) => !t.startsWith('__')) : (await admin.listGroups()).map((g) => g.groupId),
  );
  return (await withDeadline(list, COMPLETION_TIMEOUT_MS, () => new Error('no answer'))).sort();
}

/** The shell the user runs, from $SHELL; bash unless it names zsh. */
export function defaultShell(env: NodeJS.ProcessEnv): Shell {
  return /zsh/.test(env.SHELL ?? '') ? 'zsh' : 'bash';
}

/** A completion script that asks `kstream --get-yargs-completions` (yargs's protocol) for each tab press. */
export function completionScript(shell: Shell): string {
  return shell === 'zsh' ? ZSH : BASH;
}

const BASH = `###-begin-kstream-completions-###
# kstream completion for bash. Install: kstream completion bash >> ~/.bashrc
_kstream_completions()
{
    local cur_word type_list
    cur_word="\${COMP_WORDS[COMP_CWORD]}"
    type_list=$(kstream --get-yargs-completions "\${COMP_WORDS[@]}" 2>/dev/null)
    COMPREPLY=( $(compgen -W "\${type_list}" -- "\${cur_word}") )
    return 0
}
complete -o bashdefault -o default -F _kstream_completions kstream
###-end-kstream-completions-###
`;

// SHELL=zsh makes yargs answer with "name:description" pairs, which _describe shows.
const ZSH = `#compdef kstream
###-begin-kstream-completions-###
# kstream completion for zsh. Install: kstream completion zsh > "\${fpath[1]}/_kstream", or >> ~/.zshrc
_kstream_completions()
{
  local reply
  local si=$IFS
  IFS=$'\\n' reply=($(SHELL=zsh COMP_CWORD="$((CURRENT-1))" COMP_LINE="$BUFFER" COMP_POINT="$CURSOR" kstream --get-yargs-completions "\${words[@]}" 2>/dev/null))
  IFS=$si
  _describe 'values' reply
}
compdef _kstream_completions kstream
###-end-kstream-completions-###
`;
