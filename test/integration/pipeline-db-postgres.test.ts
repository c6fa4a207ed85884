// pipeline run --to-db against a real PostgreSQL server (started by test/helpers/databases.ts).
import { dbSinkSuite } from '../helpers/db-suite.js';

dbSinkSuite('postgres');
