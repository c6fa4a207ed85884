import { groupCommand } from '../command.js';
import { checkCommand } from './check.js';
import { configCommand } from './config.js';
import { deleteCommand } from './delete.js';
import { getCommand } from './get.js';
import { registerCommand } from './register.js';
import { subjectsCommand } from './subjects/index.js';
import { versionsCommand } from './versions.js';

export const registryCommand = groupCommand({
  command: 'registry',
  describe: 'Schema Registry: subjects, versions, schemas, compatibility (Confluent API; Apicurio, Confluent, Redpanda, Karapace)',
  children: [subjectsCommand, versionsCommand, getCommand, registerCommand, checkCommand, configCommand, deleteCommand],
  examples: [
    ['$0 local start --schema-registry', 'Start here: a broker and a registry at http://127.0.0.1:8081/apis/ccompat/v7'],
    ['$0 registry register orders-value --file order.avsc', 'Register an Avro schema'],
    ['$0 registry subjects list --schema-registry https://sr:8081', 'Another registry'],
  ],
});
