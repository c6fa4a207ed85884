// How a consume run ends, for both read paths: --max-messages (records printed), --timeout-ms (no
// record for that long), a signal, a reader that went away, the end of every partition, or a failure.
// The first to hold wins.

/** 'topics': --include found new topics, and a group run joins again with them. */
export type StopReason = 'end' | 'max-messages' | 'timeout' | 'closed' | 'signal' | 'topics';

export interface StopOptions {
  maxMessages?: number;
  timeoutMs?: number;
}

export class StopRules {
  /** Records printed so far (filtered-out ones do not count). */
  printed = 0;
  reason?: StopReason;
  private failed = false;
  /** Resolves with the reason of the first stop; rejects with the first failure. */
  readonly finished: Promise<StopReason>;
  private finish!: (r: StopReason) => void;
  private crash!: (e: unknown) => void;
  private idleTimer?: NodeJS.Timeout;
  private readonly onAbort = () => this.stop('signal');

  /** `onStop` runs once, at the first stop or failure (to stop fetching). */
  constructor(private readonly opts: StopOptions, private readonly signal: AbortSignal, private readonly onStop: () => void = () => undefined) {
    this.finished = new Promise((resolve, reject) => {
      this.finish = resolve;
      this.crash = reject;
    });
    // A failure can come while the run is still starting, before anyone awaits `finished`.
    this.finished.catch(() => undefined);
    signal.addEventListener('abort', this.onAbort);
    if (signal.aborted) this.stop('signal');
    this.resetIdleTimer();
  }

  /** How many more records may be printed. */
  get room(): number {
    return this.opts.maxMessages === undefined ? Infinity : Math.max(0, this.opts.maxMessages - this.printed);
  }

  /** Counts `n` records printed (or about to be); stops with max-messages when that reaches the limit. */
  count(n: number): void {
    if (n === 0) return;
    this.printed += n;
    this.resetIdleTimer();
    if (this.room === 0) this.stop('max-messages');
  }

  stop(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.finish(reason);
    this.onStop();
  }

  /** Ends the run with an error; `reason` stays unset, so nothing is committed as a clean stop would. */
  fail(err: unknown): void {
    this.failed = true;
    this.crash(err);
    this.onStop();
  }

  /** True once the run stopped or failed. */
  get over(): boolean {
    return this.reason !== undefined || this.failed;
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
    this.signal.removeEventListener('abort', this.onAbort);
  }

  private resetIdleTimer(): void {
    if (this.opts.timeoutMs === undefined) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop('timeout'), this.opts.timeoutMs);
  }
}
