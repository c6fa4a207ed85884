import { Chalk, type ChalkInstance } from 'chalk';

/** Where a signal handler is registered: `process` in production, an EventEmitter in tests. */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

type TtyStream<S> = S & { isTTY?: boolean };

/** The streams and environment a command may use; nothing below bin/ touches `process` directly. */
export interface Io {
  stdin: TtyStream<NodeJS.ReadableStream>;
  stdout: TtyStream<NodeJS.WritableStream>;
  stderr: TtyStream<NodeJS.WritableStream>;
  env: NodeJS.ProcessEnv;
  signals: SignalSource;
  /** Ends the process at once; only for a second Ctrl-C. Absent in tests. */
  exit?: (code: number) => void;
}

/** What every command handler receives besides its parsed options. */
export interface Context {
  io: Io;
  /** Colour for stderr messages: off unless stderr is a TTY and NO_COLOR is unset. */
  color: ChalkInstance;
  /** True when a human can answer a prompt: stdin and stderr are TTYs and CI is not set. */
  interactive: boolean;
  /** Writes one line to stderr. */
  info(line: string): void;
  warn(line: string): void;
}

export function colorLevel(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): 0 | 1 | 2 | 3 {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return 1;
  return stream.isTTY ? 1 : 0;
}

export function createContext(io: Io): Context {
  const color = new Chalk({ level: colorLevel(io.stderr, io.env) });
  const interactive = Boolean(io.stdin.isTTY && io.stderr.isTTY) && !io.env.CI;
  return {
    io,
    color,
    interactive,
    info: (line) => io.stderr.write(line + '\n'),
    warn: (line) => io.stderr.write(color.yellow('warning: ') + line + '\n'),
  };
}
