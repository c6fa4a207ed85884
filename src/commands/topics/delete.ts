import { withAdmin, type KafkaAdmin } from '../../kafka/admin/index.js';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { ExitCode, KstreamError } from '../../errors.js';
import { outputOption, type OutputFormat } from '../../output.js';
import { confirm } from '../../prompt.js';
import { reportItems, type ItemStatus } from '../../report.js';
import { validateTopicName } from '../../kafka/topic.js';

export async function deleteTopics(admin: KafkaAdmin, topics: string[], ifExists = false): Promise<ItemStatus[]> {
  const existing = new Set(await admin.listTopics());
  const results: ItemStatus[] = [];
  for (const topic of topics) {
    if (!existing.has(topic)) {
      results.push(ifExists ? { name: topic, ok: true, message: 'does not exist (--if-exists)' } : { name: topic, ok: false, message: 'does not exist', exitCode: ExitCode.USAGE });
      continue;
    }
    try {
      await admin.deleteTopic(topic);
      results.push({ name: topic, ok: true, message: 'deleted' });
    } catch (err) {
      results.push({ name: topic, ok: false, message: (err as Error).message, exitCode: ExitCode.KAFKA });
    }
  }
  return results;
}

export const deleteCommand: CommandFactory = (ctx) => ({
  command: ['delete <topics..>', 'rm'],
  describe: 'Delete topics and all their records',
  builder: (y) =>
    y
      .positional('topics', { type: 'string', array: true, describe: 'Topic names' })
      .options({
        yes: { alias: 'y', type: 'boolean', default: false, describe: 'Do not ask for confirmation' },
        'if-exists': { type: 'boolean', default: false, describe: 'Succeed for a topic that does not exist' },
        ...outputOption,
      })
      .example('$0 topics delete orders --yes', 'Delete without asking'),
  handler: async (argv) => {
    const topics = (argv.topics as string[]).map(validateTopicName);
    if (!argv.yes && !(await confirm(ctx, `Delete ${topics.length === 1 ? `topic '${topics[0]}'` : `${topics.length} topics (${topics.join(', ')})`} and ${topics.length === 1 ? 'all its' : 'all their'} records?`))) {
      throw new KstreamError('nothing deleted', { exitCode: ExitCode.USAGE });
    }
    const results = await withAdmin(connectionFrom(ctx, argv), ctx.io, (admin) => deleteTopics(admin, topics, argv.ifExists as boolean));
    reportItems(ctx, 'topic', results, argv.output as OutputFormat | undefined);
  },
});
