/** Exit codes shared by every command; documented in the README. */
export const ExitCode = {
  OK: 0,
  USAGE: 1,
  KAFKA: 2,
  CONNECTION: 3,
  /** A defect in kstream itself (EX_SOFTWARE of sysexits.h). */
  INTERNAL: 70,
  INTERRUPTED: 130,
  TERMINATED: 143,
} as const;

export interface ErrorOptions {
  exitCode?: number;
  /** What the user can do about it, appended to the one-line message. */
  hint?: string;
  /** Lines printed above the message, always (e.g. the tail of a broker log). */
  details?: string;
  cause?: unknown;
  /** Already told: the command printed its own account (a summary), so print no error line. */
  quiet?: boolean;
}

/** An error whose message is fit to show a user as is. */
export class KstreamError extends Error {
  readonly exitCode: number;
  readonly hint?: string;
  readonly details?: string;
  readonly quiet: boolean;
  constructor(message: string, opts: ErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KstreamError';
    this.exitCode = opts.exitCode ?? ExitCode.KAFKA;
    this.hint = opts.hint;
    this.details = opts.details;
    this.quiet = opts.quiet ?? false;
  }
}

/** Bad flags, arguments or input data. */
export class UsageError extends KstreamError {
  constructor(message: string, opts: Omit<ErrorOptions, 'exitCode'> = {}) {
    super(message, { ...opts, exitCode: ExitCode.USAGE });
    this.name = 'UsageError';
  }
}

/** The broker could not be reached, or refused our credentials. */
export class ConnectionError extends KstreamError {
  constructor(message: string, opts: Omit<ErrorOptions, 'exitCode'> = {}) {
    super(message, { ...opts, exitCode: ExitCode.CONNECTION });
    this.name = 'ConnectionError';
  }
}

/** Something failed that kstream does not know how to explain: a bug to report. */
export class InternalError extends KstreamError {
  constructor(cause: unknown) {
    super(`internal error: ${describeThrown(cause)}`, {
      exitCode: ExitCode.INTERNAL,
      hint: 'this is a bug in kstream: please report it with the command you ran and its output with --verbose',
      cause,
    });
    this.name = 'InternalError';
  }
}

/** A thrown value in a few words: an Error's name and message, or what else it was. */
function describeThrown(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message.replace(/\s+/g, ' ').trim()}`;
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  const kind = value === null ? 'null' : typeof value;
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} was thrown instead of an Error: ${shown.slice(0, 200)}`;
}

/** The run was stopped by SIGINT or SIGTERM after a clean shutdown. */
export class InterruptedError extends KstreamError {
  constructor(signal: 'SIGINT' | 'SIGTERM', opts: { quiet?: boolean } = {}) {
    super(`interrupted by ${signal}`, {
      exitCode: signal === 'SIGINT' ? ExitCode.INTERRUPTED : ExitCode.TERMINATED,
      quiet: opts.quiet,
    });
    this.name = 'InterruptedError';
  }
}
