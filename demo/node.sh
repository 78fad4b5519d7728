#!/usr/bin/env bash
# Starts demo node N (1-9) on port 808N:  demo/node.sh 2 [--extra-setting value ...]
set -euo pipefail
source "$(dirname "$0")/env.sh"
n="${1:?usage: demo/node.sh N [--setting value ...]}"; shift
ensure_jar
name="node$n"; port=$((8080 + n))
zk="$ZK"; links=()
if [ -n "${NETSPLIT:-}" ]; then
  # demo/netsplit.sh: ZooKeeper and the links between nodes go through the fault proxies (demo faults).
  zk="127.0.0.1:$((2190 + n))"
  links=(--advertise-peer "127.0.0.1:$((9090 + n))" --peer-bind-address "127.0.0.$((10 + n))")
fi
if running "$name"; then echo "$name already running (pid $(cat "$RUN_DIR/$name.pid"))"; exit 0; fi
nohup "$JAVA" -Xmx512m -jar "$JAR" node --id "$name" --port "$port" --zk "$zk" --cluster "$CLUSTER" "${links[@]}" \
  --session-timeout-ms "${SESSION_TIMEOUT_MS:-4000}" --min-nodes "${MIN_NODES:-2}" --replication "${REPLICATION:-2}" \
  --durability "${DURABILITY:-disk}" --data-dir "$DATA_DIR/$name" \
  "$@" >>"$RUN_DIR/$name.log" 2>&1 &
echo $! >"$RUN_DIR/$name.pid"
if wait_for "http://127.0.0.1:$port/cluster" 30; then
  echo "$name on http://127.0.0.1:$port (pid $(cat "$RUN_DIR/$name.pid"), log $RUN_DIR/$name.log)"
else
  echo "$name did not start; last lines of $RUN_DIR/$name.log:"; tail -5 "$RUN_DIR/$name.log"; exit 1
fi
