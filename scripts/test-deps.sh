#!/usr/bin/env bash
# The system tools the integration tests need, checked before `npm test` runs them:
#   java (runs the test broker), mvn (fetches the Kafka jars and the Schema Registry server once,
#   unless the cache has them or KSTREAM_TEST_BROKERS / KSTREAM_TEST_REGISTRY name running ones),
#   a Java 21+ for the Schema Registry (checked only: Debian 12 packages none), kcat (an independent reader and writer),
#   tmux (a pseudo-terminal), openssl (TLS test certificates); then the database servers of the
#   database sink's tests (test-deps-db.sh).
# As root with apt-get, missing ones are installed (and named); otherwise this names the command
# that installs them and exits 1, before any test runs.
set -euo pipefail

missing=()
packages=()
need() { # need COMMAND DEBIAN-PACKAGE
  if ! command -v "$1" >/dev/null 2>&1; then
    missing+=("$1")
    packages+=("$2")
  fi
}

if [ -z "${KSTREAM_TEST_BROKERS:-}" ]; then
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then :; else need java openjdk-17-jre-headless; fi
  # Maven only fetches the jars; once they are cached (or KAFKA_HOME is set) it is not needed.
  if [ -z "${KAFKA_HOME:-}" ] && ! ls "${XDG_CACHE_HOME:-$HOME/.cache}"/kstream/kafka-*/libs/kafka_*.jar >/dev/null 2>&1; then
    need mvn maven
  fi
fi
need kcat kcat
need tmux tmux
need openssl openssl

if [ -z "${KSTREAM_TEST_REGISTRY:-}" ]; then
  cache="${KSTREAM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kstream}"
  [ -f "$cache/apicurio-registry-3.3.3/quarkus-run.jar" ] || need mvn maven
  java21=no
  for java in "${JAVA_HOME:-/nonexistent}/bin/java" /usr/lib/jvm/*/bin/java; do
    [ -x "$java" ] || continue
    major=$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
    [ "${major:-0}" -ge 21 ] && { java21=yes; break; }
  done
  if [ "$java21" = no ] && command -v java >/dev/null 2>&1; then
    major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
    [ "${major:-0}" -ge 21 ] && java21=yes
  fi
  if [ "$java21" = no ]; then
    echo "test-deps: the Schema Registry tests need Java 21 or newer (JAVA_HOME, /usr/lib/jvm or the PATH), and none was found." >&2
    echo "test-deps: install a JDK 21+ (e.g. Temurin) under /usr/lib/jvm, or set KSTREAM_TEST_REGISTRY to a running registry's URL" >&2
    exit 1
  fi
fi

db() { bash "$(dirname "$0")/test-deps-db.sh"; }
[ ${#missing[@]} -eq 0 ] && { db; exit; }

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test-deps: installing ${packages[*]} (for ${missing[*]}) with apt-get" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
  db
  exit
fi

echo "test-deps: the tests need ${missing[*]}, which this machine lacks." >&2
echo "test-deps: install them, e.g.: sudo apt-get install ${packages[*]}" >&2
echo "test-deps: (or run only the unit tests, which need none: npm run test:unit)" >&2
exit 1
