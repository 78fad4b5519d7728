#!/usr/bin/env bash
# The state-store benchmark (issue 14's choice of store): RocksDB and H2's MVStore on the writes,
# reads and recovery of a node's store, in durability disk and disk-fsync, in one JVM, one after
# the other; data under demo/bench/stores/target/data (deleted and made again by each run).
#   demo/bench/stores/run.sh [--keys 100000] [--rounds 2] [--threads 8] [--fsync-seconds 10]
# Prints one markdown table, also written to demo/bench/stores/target/stores.md.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0
fi
mvn -q -B -f "$HERE/pom.xml" package dependency:build-classpath -Dmdep.outputFile="$HERE/target/classpath.txt"
exec java -Xmx1g -cp "$HERE/target/classes:$(cat "$HERE/target/classpath.txt")" bench.stores.StoreBench \
  --dir "$HERE/target/data" "$@"
