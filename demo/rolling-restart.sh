#!/usr/bin/env bash
# Restarts nodes 1, 2 and 3 one after another (graceful leave, then start) while the demo load runs,
# then prints the load's count of failed requests and lost updates: both must be 0.
#   demo/rolling-restart.sh [--duration-s 45]
set -euo pipefail
source "$(dirname "$0")/env.sh"
ensure_jar
duration=45
if [ "${1:-}" = "--duration-s" ]; then duration="$2"; fi
for n in 1 2 3; do running "node$n" || { echo "node$n is not running: start the demo first (demo/run.sh)"; exit 1; }; done
"$JAVA" -jar "$JAR" load --url http://127.0.0.1:8081,http://127.0.0.1:8082,http://127.0.0.1:8083 \
  --ids 50 --duration-s "$duration" --concurrency 4 --prefix rolling >"$RUN_DIR/rolling-load.log" 2>&1 &
load=$!
sleep 3
for n in 1 2 3; do
  echo "restarting node$n"
  "$DEMO_DIR/stop.sh" "$n"
  "$DEMO_DIR/node.sh" "$n"
  wait_for "http://127.0.0.1:$((8080 + n))/health" 30 || echo "node$n did not become healthy in 30 s"
  sleep 2
done
echo "waiting for the load to finish (pid $load)"
status=0
wait "$load" || status=$?
cat "$RUN_DIR/rolling-load.log"
exit "$status"
