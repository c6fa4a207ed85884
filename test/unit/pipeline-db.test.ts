import { describe, expect, it } from 'vitest';
import { insertSql, jsonInsertSql, mysql, postgres } from '../../src/commands/pipeline/db/dialect.js';
import { classify } from '../../src/commands/pipeline/db/errors.js';
import { parseCsvLine, toRowGroups } from '../../src/commands/pipeline/db/rows.js';
import { dbSinkSpec } from '../../src/commands/pipeline/db/spec.js';
import { displayUrl, maskUrlText, parseDbUrl, passwordFor } from '../../src/commands/pipeline/db/url.js';
import { planFromChain, planFromFlags } from '../../src/commands/pipeline/plan.js';
import { graphText, parsePipeline } from '../../src/commands/pipeline/spec.js';
import type { PipeRecord } from '../../src/commands/pipeline/record.js';

const rec = (value: string, offset = 0): PipeRecord => ({ key: null, value: Buffer.from(value), headers: {}, origin: { topic: 't', partition: 0, offset: String(offset), timestamp: '0' } });

describe('database URLs', () => {
  it.each([
    ['postgres://etl@db.example:5433/tolldata', { kind: 'postgres', user: 'etl', host: 'db.example', port: 5433, database: 'tolldata' }],
    ['postgresql://etl@localhost/tolldata', { kind: 'postgres', port: 5432 }],
    ['mysql://root@127.0.0.1/tolldata', { kind: 'mysql', port: 3306, user: 'root' }],
    ['mariadb://u:p%40ss@h:3307/d?table=x', { kind: 'mysql', password: 'p@ss', params: { table: 'x' } }],
  ])('%s', (url, want) => expect(parseDbUrl(url)).toMatchObject(want));

  it.each([
    ['sqlite://x/y', /not supported as a sink/],
    ['postgres://u@h:5432', /must name one database/],
    ['not a url', /is not a database URL/],
  ])('rejects %s', (url, re) => expect(() => parseDbUrl(url)).toThrow(re));

  it('never shows the password, also of a URL that does not parse', () => {
    expect(displayUrl(parseDbUrl('postgres://etl:s3cret@h:1/d'))).toBe('postgres://etl:***@h:1/d');
    expect(maskUrlText('postgres://etl:s3cret@h:port/d')).toBe('postgres://etl:***@h:port/d');
    expect(() => parseDbUrl('postgres://etl:s3cret@h:99999999/d')).toThrow(/^(?!.*s3cret)/);
  });

  it('takes the password from the URL, else PGPASSWORD or MYSQL_PWD', () => {
    expect(passwordFor(parseDbUrl('postgres://u@h/d'), { PGPASSWORD: 'a', MYSQL_PWD: 'b' })).toBe('a');
    expect(passwordFor(parseDbUrl('mysql://u@h/d'), { PGPASSWORD: 'a', MYSQL_PWD: 'b' })).toBe('b');
    expect(passwordFor(parseDbUrl('mysql://u:c@h/d'), { MYSQL_PWD: 'b' })).toBe('c');
  });
});

describe('CSV lines', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['a,,c', ['a', null, 'c']],
    ['"a,1","say ""hi""",""', ['a,1', 'say "hi"', '']],
    ['"two\nlines",x\n', ['two\nlines', 'x']],
    ['', [null]],
  ])('%j', (line, want) => expect(parseCsvLine(line)).toEqual(want));

  it.each([['"open'], ['"a"b,c']])('rejects %j', (line) => expect(() => parseCsvLine(line)).toThrow(/CSV line/));
});

describe('rows from records', () => {
  it('maps JSON fields to columns by name, objects as JSON text', () => {
    const [g] = toRowGroups([rec('{"a":1,"b":"x","c":{"d":true},"e":null}')], { format: 'json' }, []);
    expect(g!.columns).toEqual(['a', 'b', 'c', 'e']);
    expect(g!.rows[0]!.values.map((v) => mysql.cell(v))).toEqual([1, 'x', '{"d":true}', null]);
    expect(JSON.stringify(g!.rows[0]!.values)).toBe('[1,"x",{"d":true},null]');
  });

  it('--columns chooses and orders the fields; a missing one is NULL', () => {
    const [g] = toRowGroups([rec('{"a":1,"b":2}')], { format: 'json', columns: ['b', 'z'] }, []);
    expect(g!.rows[0]!.values).toEqual([2, null]);
  });

  it('CSV takes the table order unless --columns says otherwise, and counts the fields', () => {
    expect(toRowGroups([rec('1,x')], { format: 'csv' }, ['id', 'name'])[0]!.columns).toEqual(['id', 'name']);
    expect(() => toRowGroups([rec('1,x,y', 9)], { format: 'csv' }, ['id', 'name'])).toThrow(/t partition 0 offset 9 has 3 CSV fields for 2 columns/);
  });

  it('names the record that is not a JSON object', () => {
    expect(() => toRowGroups([rec('plain text', 4)], { format: 'json' }, [])).toThrow(/record at t partition 0 offset 4 is not a JSON object/);
  });

  it('--upsert keeps the last row of each key in a batch', () => {
    const [g] = toRowGroups([rec('{"k":1,"v":"a"}'), rec('{"k":2,"v":"b"}'), rec('{"k":1,"v":"c"}')], { format: 'json', upsert: ['k'] }, []);
    expect(g!.rows.map((r) => r.values)).toEqual([[2, 'b'], [1, 'c']]);
  });
});

describe('SQL', () => {
  const t = { schema: 'etl', table: 'toll"s' };
  it('quotes identifiers and sends values as parameters', () => {
    expect(insertSql(postgres, t, ['timestamp', 'id'], 2)).toBe('INSERT INTO "etl"."toll""s" ("timestamp", "id") VALUES ($1, $2), ($3, $4)');
    expect(insertSql(mysql, { table: 'a`b' }, ['partition'], 2)).toBe('INSERT INTO `a``b` (`partition`) VALUES (?), (?)');
  });
  it('PostgreSQL takes a batch as one JSON parameter, typed by the table', () => {
    expect(jsonInsertSql({ table: 't' }, ['k', 'v'], ['k'])).toBe('INSERT INTO "t" ("k", "v") SELECT "k", "v" FROM json_populate_recordset(NULL::"t", $1) ON CONFLICT ("k") DO UPDATE SET "v" = EXCLUDED."v"');
  });
  it('upserts with ON CONFLICT or ON DUPLICATE KEY UPDATE', () => {
    expect(insertSql(postgres, { table: 't' }, ['k', 'v'], 1, ['k'])).toBe('INSERT INTO "t" ("k", "v") VALUES ($1, $2) ON CONFLICT ("k") DO UPDATE SET "v" = EXCLUDED."v"');
    expect(insertSql(postgres, { table: 't' }, ['k'], 1, ['k'])).toMatch(/ON CONFLICT \("k"\) DO NOTHING$/);
    expect(insertSql(mysql, { table: 't' }, ['k', 'v'], 1, ['k'])).toMatch(/ON DUPLICATE KEY UPDATE `v` = VALUES\(`v`\)$/);
  });
});

describe('driver errors', () => {
  it.each([
    ['postgres', { code: '28P01' }, 'credentials'],
    ['postgres', { code: '22P02' }, 'data'],
    ['postgres', { code: '23505' }, 'data'],
    ['postgres', { code: '57P01' }, 'unavailable'],
    ['postgres', { code: 'ECONNREFUSED' }, 'unavailable'],
    ['postgres', { message: 'Connection terminated unexpectedly' }, 'unavailable'],
    ['postgres', { code: '42P01' }, 'fatal'],
    ['mysql', { errno: 1045, sqlState: '28000' }, 'credentials'],
    ['mysql', { errno: 1366, sqlState: 'HY000' }, 'data'],
    ['mysql', { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }, 'unavailable'],
    ['mysql', { errno: 1146, sqlState: '42S02' }, 'fatal'],
  ] as const)('%s %j is %s', (kind, err, want) => expect(classify(kind, err)).toBe(want));
});

describe('database stages', () => {
  const tuning = {};
  it('from flags: the table names the stage and its default group', () => {
    const plan = planFromFlags({ from: 'toll', toDb: 'postgres://u@h/d', table: 'livetolldata', steps: [] });
    expect(plan).toMatchObject({ name: 'livetolldata', group: 'kstream-pipeline-toll-db-livetolldata', to: [] });
    expect(plan.toDb).toMatchObject({ table: { table: 'livetolldata' }, format: 'json' });
  });

  it.each([
    [{ from: 'a', toDb: 'postgres://u@h/d', steps: [] }, /name the table to load with --table/],
    [{ from: 'a', to: 'b', table: 't', steps: [] }, /--table is for a database sink/],
    [{ from: 'a', to: 'b', toDb: 'postgres://u@h/d', steps: [] }, /one of --to, --to-exec and --to-db/],
    [{ from: 'a', toDb: 'postgres://u@h/d', table: 't', dbFormat: 'xml', steps: [] }, /--db-format must be json or csv/],
    [{ from: 'a', toDb: 'postgres://u@h/d', table: 't', columns: 'a,b', upsert: 'k', steps: [] }, /--upsert k is not among --columns/],
  ])('rejects %j', (args, re) => expect(() => planFromFlags(args)).toThrow(re));

  it('from a chain ending in db:URL?table=…', () => {
    const plan = planFromChain("topic:toll | map:r.value | db:mysql://u@h/d?table=t&upsert=id&format=csv&columns=id,v", tuning);
    expect(plan.toDb).toMatchObject({ target: { kind: 'mysql' }, table: { table: 't' }, upsert: ['id'], format: 'csv', columns: ['id', 'v'] });
    expect(plan.steps).toHaveLength(1);
  });

  it('from a pipeline file, shown without the password', () => {
    const file = parsePipeline('inputs: [toll]\nstages:\n  load:\n    from: toll\n    to-db: postgres://u:pw@h:5432/d\n    table: etl.livetolldata\n    columns: [a, b]\n', 'p.yaml');
    expect(file.stages[0]!.toDb).toMatchObject({ table: { schema: 'etl', table: 'livetolldata' }, columns: ['a', 'b'] });
    expect(graphText(file)).toBe('load: toll -> (copy) -> db:postgres://u:***@h:5432/d table etl.livetolldata\n');
    expect(() => parsePipeline('inputs: [x]\nstages:\n  a: {from: x, to: y, table: t}\n', 'p.yaml')).toThrow(/table is for a database sink; add to-db: URL/);
    expect(() => parsePipeline('inputs: [x]\nstages:\n  a: {from: x, to-db: "postgres://u@h/d"}\n', 'p.yaml')).toThrow(/name the table to load with table:/);
  });
});
