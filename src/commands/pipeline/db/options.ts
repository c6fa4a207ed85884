/** The flags of `pipeline run` for a database sink (kept here, beside the sink they configure). */
export const DB_OPTIONS = {
  'to-db': { type: 'string', describe: 'Load into a table: postgres://USER@HOST:PORT/DB or mysql://…; rows and offsets in one transaction (exactly once)', requiresArg: true },
  table: { type: 'string', describe: 'The table --to-db loads (SCHEMA.TABLE allowed)', requiresArg: true },
  'db-format': { choices: ['json', 'csv'] as const, describe: 'Records are JSON objects (fields to columns by name) or CSV lines (default json)', requiresArg: true },
  columns: { type: 'string', describe: 'Columns to fill, in order (CSV: default the table\'s column order)', requiresArg: true },
  upsert: { type: 'string', describe: 'Key columns: update the row with the same key instead of failing on it', requiresArg: true },
} as const;
