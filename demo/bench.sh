#!/usr/bin/env bash
# The benchmark, in one command: ZooKeeper on 2281, nodes 1-3 on 8181-8183 (cluster "bench"), a plain
# Undertow baseline on 8180, every workload with wrk -t1 -c32, one markdown table. About 6 minutes.
#   demo/bench.sh [--duration-s 10] [--only hot,writes,...]      demo/bench.sh --help
# Logs, ids and wrk output: demo/run/bench/. Everything it starts is stopped by PID when it ends.
set -euo pipefail
source "$(dirname "$0")/env.sh"
ensure_jar
if ! command -v wrk >/dev/null 2>&1; then
  # scripts/install-deps.sh may still be installing it.
  echo "bench: waiting up to 5 minutes for wrk (scripts/install-deps.sh installs it)..." >&2
  deadline=$((SECONDS + 300))
  until command -v wrk >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "bench: wrk is not installed; run scripts/install-deps.sh" >&2; exit 2; fi
    sleep 2
  done
fi
exec "$JAVA" -Xmx256m -jar "$JAR" bench --scripts "$DEMO_DIR/bench" "$@"
