import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRegistryJava, parseJavaMajor, registryCommand } from '../../src/local/registry.js';

const root = mkdtempSync(join(tmpdir(), 'kstream-jvms-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fake JDK whose `java -version` prints `version`, as a real one does (on stderr). */
function fakeJdk(parent: string, name: string, version: string): string {
  const bin = join(parent, name, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'java'), `#!/bin/sh\necho 'openjdk version "${version}" 2025-01-01' >&2\n`);
  chmodSync(join(bin, 'java'), 0o755);
  return join(parent, name);
}

describe('parseJavaMajor', () => {
  it.each([
    ['openjdk version "25.0.3" 2026-04-21 LTS', 25],
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['java version "1.8.0_392"', 8],
    ['openjdk version "21" 2023-09-19', 21],
    ['something else', 0],
  ])('%s → %i', (text, major) => expect(parseJavaMajor(text)).toBe(major));
});

describe('findRegistryJava', () => {
  const jvms = join(root, 'jvm');
  const java17 = fakeJdk(jvms, 'java-17-openjdk-amd64', '17.0.15');
  const temurin25 = fakeJdk(jvms, 'temurin-25-jdk-amd64', '25.0.3');
  fakeJdk(jvms, 'temurin-21-jdk-amd64', '21.0.4');
  const only17 = join(root, 'only17');
  fakeJdk(only17, 'java-17', '17.0.15');

  it('takes a JAVA_HOME of Java 21 or newer', () => {
    const home = fakeJdk(root, 'home-22', '22.0.1');
    expect(findRegistryJava({ JAVA_HOME: home }, jvms)).toEqual({ java: join(home, 'bin', 'java'), major: 22 });
  });

  it('passes over an older JAVA_HOME for the newest JDK under the JVM folder', () => {
    expect(findRegistryJava({ JAVA_HOME: java17, PATH: '' }, jvms)).toEqual({ java: join(temurin25, 'bin', 'java'), major: 25 });
  });

  it('names every Java it found when none is new enough', () => {
    expect(() => findRegistryJava({ JAVA_HOME: java17, PATH: '' }, only17)).toThrow(
      /needs Java 21 or newer; .*java-17-openjdk-amd64\/bin\/java is Java 17, .*only17\/java-17\/bin\/java is Java 17/,
    );
  });
});

describe('registryCommand', () => {
  const argv = registryCommand({ java: '/jdk/bin/java', serverDir: '/cache/apicurio', dir: '/data/registry', port: 18081, managementPort: 19000 });

  it('binds both the API and the management (health) interface to loopback on the given ports', () => {
    expect(argv).toEqual(expect.arrayContaining([
      '-Dquarkus.http.host=127.0.0.1', '-Dquarkus.http.port=18081', '-Dquarkus.management.host=127.0.0.1', '-Dquarkus.management.port=19000',
    ]));
  });

  it('keeps its database in the data dir, marks the process as that dir\'s, and runs quarkus-run.jar', () => {
    expect(argv[0]).toBe('/jdk/bin/java');
    expect(argv).toContain('-Dapicurio.datasource.url=jdbc:h2:file:/data/registry/db');
    expect(argv).toContain('-Dkstream.registry.dir=/data/registry');
    expect(argv).toContain('-Dapicurio.rest.deletion.artifact.enabled=true');
    expect(argv.slice(-2)).toEqual(['-jar', '/cache/apicurio/quarkus-run.jar']);
  });
});
