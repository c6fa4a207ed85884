import type { Context } from './context.js';
import { InterruptedError } from './errors.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** A run that stops cleanly on the first SIGINT/SIGTERM and at once on the second. */
export interface Interruption {
  /** Aborted on the first signal; pass it to loops and waits. */
  signal: AbortSignal;
  /** The first signal received, if any. */
  received(): StopSignal | undefined;
  /** Throws InterruptedError (exit 130/143) if a signal was received; call after cleaning up. */
  throwIfInterrupted(): void;
  /**
   * The same, for runs that a signal ends normally (a following consume, a pipeline): they have
   * printed their summary, so the exit code 130/143 is kept without an error line.
   */
  endIfInterrupted(): void;
  dispose(): void;
}

export function watchSignals(ctx: Context): Interruption {
  const controller = new AbortController();
  let first: StopSignal | undefined;
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((sig) => {
    const handler = () => {
      if (first) {
        // Second signal: the user does not want to wait for the clean shutdown.
        ctx.io.stderr.write(`\nreceived ${sig} again, exiting now\n`);
        ctx.io.exit?.(sig === 'SIGINT' ? 130 : 143);
        return;
      }
      first = sig;
      controller.abort(new InterruptedError(sig));
    };
    ctx.io.signals.on(sig, handler);
    return [sig, handler] as const;
  });
  return {
    signal: controller.signal,
    received: () => first,
    throwIfInterrupted: () => {
      if (first) throw new InterruptedError(first);
    },
    endIfInterrupted: () => {
      if (first) throw new InterruptedError(first, { quiet: true });
    },
    dispose: () => handlers.forEach(([sig, h]) => ctx.io.signals.off(sig, h)),
  };
}
