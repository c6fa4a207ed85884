#!/usr/bin/env bash
# The README's first command: a local broker, a topic, one record produced and consumed.
set -euo pipefail
cd "$(dirname "$0")/.."
k() { node bin/kstream.js "$@"; }
k local status >/dev/null 2>&1 || k local start
k topics create quickstart --partitions 2 --if-not-exists
echo "hello:kstream" | k produce quickstart --key-separator :
k consume quickstart --from-beginning --exit --print-key --key-separator ' => '
