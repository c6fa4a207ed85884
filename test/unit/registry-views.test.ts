import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { render } from '../../src/output.js';
import { parseVersion, readSchemaFile, schemaView } from '../../src/commands/registry/common.js';
import { subjectsView } from '../../src/commands/registry/subjects/list.js';
import { checkView } from '../../src/commands/registry/check.js';
import { configView } from '../../src/commands/registry/config.js';
import { deletedView } from '../../src/commands/registry/delete.js';
import { registeredView } from '../../src/commands/registry/register.js';

const dir = mkdtempSync(join(tmpdir(), 'kstream-registry-views-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const avro = '{"type":"record","name":"A","fields":[{"name":"a","type":"int"}]}';

describe('registry views', () => {
  it('lists subjects, empty lists included', () => {
    expect(render(subjectsView(['a', 'b']), 'plain')).toBe('a\nb\n');
    expect(render(subjectsView([]), 'plain')).toBe('');
    expect(render(subjectsView([]), 'json')).toBe('[]\n');
    expect(render(subjectsView(['a']), 'table')).toBe('┌─────────┐\n│ SUBJECT │\n│ a       │\n└─────────┘\n');
  });

  it('prints a schema as registered when plain, indented in a table, whole as JSON', () => {
    const view = schemaView({ subject: 's', version: 2, id: 7, schemaType: 'AVRO', schema: avro });
    expect(render(view, 'plain')).toBe(avro + '\n');
    expect(JSON.parse(render(view, 'json'))).toEqual({ subject: 's', version: 2, id: 7, schemaType: 'AVRO', schema: avro, references: [] });
    expect(render(view, 'table')).toContain('│ schema  │ {');
    expect(render(view, 'table')).toContain('│         │   "type": "record",');
    const byId = schemaView({ id: 7, schemaType: 'PROTOBUF', schema: 'syntax = "proto3";\nmessage M {}\n', references: [{ name: 'x.proto', subject: 'x', version: 1 }] });
    expect(JSON.parse(render(byId, 'json'))).not.toHaveProperty('subject');
    expect(render(byId, 'table')).toContain('│ reference │ x.proto → x v1');
    expect(render(byId, 'plain')).toBe('syntax = "proto3";\nmessage M {}\n');
  });

  it('prints the id alone when plain after register, and the verdict of a check', () => {
    expect(render(registeredView({ subject: 's', version: 1, id: 3, schemaType: 'AVRO' }), 'plain')).toBe('3\n');
    expect(render(checkView({ subject: 's', version: 'latest', level: 'BACKWARD', compatible: false, messages: ['field b has no default'] }), 'plain')).toBe('incompatible\nfield b has no default\n');
    expect(render(checkView({ subject: 's', version: 1, level: 'NONE', compatible: true, messages: [] }), 'table')).toContain('│ s       │ 1       │ NONE  │ yes        │ -        │');
  });

  it('names the global level as such, and what a delete did', () => {
    expect(render(configView({ subject: null, compatibility: 'NONE' }), 'table')).toContain('│ (global) │ NONE          │');
    expect(render(configView({ subject: null, compatibility: 'NONE' }), 'json')).toBe('{"subject":null,"compatibility":"NONE"}\n');
    expect(render(deletedView({ subject: 's', versions: [1, 2], permanent: false }), 'plain')).toBe('1\n2\n');
  });
});

describe('readSchemaFile', () => {
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it.each([
    ['a.avsc', avro, undefined, 'AVRO'],
    ['a.proto', 'syntax = "proto3";', undefined, 'PROTOBUF'],
    ['a.json', '{"type":"object"}', undefined, 'JSON'],
    ['a.json', avro, 'avro', 'AVRO'],
    ['a.txt', avro, 'avro', 'AVRO'],
  ])('%s with --type %s is %s', (name, text, type, schemaType) => {
    expect(readSchemaFile(write(name, text), type)).toEqual({ schema: text, schemaType });
  });

  it('refuses what it cannot tell or read', () => {
    expect(() => readSchemaFile(write('a.txt', avro), undefined)).toThrow(/cannot tell the schema type of .*a\.txt/);
    expect(() => readSchemaFile(join(dir, 'missing.avsc'), undefined)).toThrow(/cannot read the schema file .*missing\.avsc: ENOENT/);
    expect(() => readSchemaFile(write('b.json', '{'), undefined)).toThrow(/b\.json is not valid JSON, so not a JSON Schema/);
  });
});

describe('parseVersion', () => {
  it('takes a number or latest', () => {
    expect(parseVersion(undefined)).toBe('latest');
    expect(parseVersion('latest')).toBe('latest');
    expect(parseVersion('3')).toBe(3);
    expect(() => parseVersion('0')).toThrow(/VERSION must be a whole number \(at least 1\)/);
    expect(() => parseVersion('two', '--against')).toThrow(/--against must be a whole number/);
  });
});
