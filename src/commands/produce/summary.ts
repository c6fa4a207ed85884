/** Counters of a run, updated as records are read and acknowledged. */
export interface ProduceStats {
  read: number;
  acked: number;
  /** Bytes of keys and values acknowledged. */
  bytes: number;
}

/** "1000 records, 100000 bytes in 0.4 s (2500 records/s)" */
export function formatSummary(stats: ProduceStats, seconds: number): string {
  const rate = seconds > 0 ? Math.round(stats.acked / seconds) : 0;
  const noun = stats.acked === 1 ? 'record' : 'records';
  return `${stats.acked} ${noun}, ${stats.bytes} bytes in ${seconds.toFixed(1)} s (${rate} records/s)`;
}

/** The line redrawn on a terminal while a long input is sent. */
export function formatProgress(stats: ProduceStats, seconds: number): string {
  const rate = seconds > 0 ? Math.round(stats.acked / seconds) : 0;
  return `${stats.acked} records sent, ${rate} records/s`;
}
