// The top-level command table: what `kstream --help` lists without importing a command module
// must be what the modules themselves declare, and only the commands a command line names load.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandName, commandsFor } from '../../src/commands/index.js';
import { createContext } from '../../src/context.js';

const ctx = createContext({ stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env: { NO_COLOR: '1' }, signals: { on: () => undefined, off: () => undefined } });

describe('top-level commands', () => {
  it.each(COMMANDS.map((c) => [commandName(c), c] as const))('%s: the table says what its module declares', async (_name, entry) => {
    const module = (await entry.load())(ctx);
    expect({ command: module.command, describe: module.describe, aliases: module.aliases }).toEqual({ command: entry.command, describe: entry.describe, aliases: undefined });
    expect(module.builder).toBeTypeOf('function');
  });

  it('names are unique', () => {
    const names = COMMANDS.map(commandName);
    expect(new Set(names).size).toBe(names.length);
  });

  it('loads the modules of the commands named on the line, stand-ins for the others', async () => {
    const modules = (await commandsFor(['-b', 'localhost:9092', 'produce', 't', '-z', 'lz4'])).map((f) => f(ctx));
    const loaded = modules.filter((m) => m.builder !== undefined).map((m) => m.command);
    expect(loaded).toEqual(['produce <topic>']);
    expect(modules.map((m) => m.command)).toEqual(COMMANDS.map((c) => c.command));
  });

  it('loads none for --help and --version', async () => {
    for (const args of [['--help'], ['--version'], []]) {
      const modules = (await commandsFor(args)).map((f) => f(ctx));
      expect(modules.filter((m) => m.builder !== undefined)).toEqual([]);
    }
  });
});
