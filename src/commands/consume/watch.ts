// --include's watch for topics created while consume runs, as Kafka's console consumer finds them
// (its consumer refreshes the metadata of a pattern subscription). A new topic is read from its first
// record: all of it was written after the run started.
import type { KafkaAdmin } from '../../kafka/admin/index.js';
import { fromKafkaError } from '../../kafka/errors.js';
import type { StartPosition } from '../../kafka/fetch/fetcher.js';
import { matches, type TopicSelection } from './topics.js';

/** How often the topic list is read: a Metadata request, cheap, and soon enough for a new topic. */
export const WATCH_INTERVAL_MS = 2000;

export class TopicWatch {
  private readonly known: Set<string>;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private warned = false;

  constructor(
    private readonly admin: KafkaAdmin,
    private readonly selection: TopicSelection,
    known: string[],
    private readonly note: (line: string) => void,
    private readonly onTopic: (topic: string, starts: StartPosition[]) => void,
  ) {
    this.known = new Set(known);
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (!this.stopped) this.timer = setTimeout(() => void this.look().finally(() => this.schedule()), WATCH_INTERVAL_MS);
  }

  /** One look at the topic list; a topic whose partitions cannot be listed yet (no leader) is tried again next time. */
  private async look(): Promise<void> {
    try {
      const fresh = (await this.admin.listTopics()).filter((t) => !this.known.has(t) && matches(this.selection, t)).sort();
      for (const topic of fresh) {
        const ranges = await this.admin.watermarks(topic);
        if (this.stopped) return;
        this.known.add(topic);
        this.onTopic(topic, ranges.map((r) => ({ partition: r.partition, offset: r.low })));
      }
      this.warned = false;
    } catch (err) {
      if (!this.warned && !this.stopped) this.note(`warning: --include could not list the topics: ${fromKafkaError(err).message}; trying again`);
      this.warned = true;
    }
  }
}
