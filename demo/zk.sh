#!/usr/bin/env bash
# Starts the demo's embedded ZooKeeper on 127.0.0.1:$ZK_PORT (default 2181), data kept in demo/data/zk.
set -euo pipefail
source "$(dirname "$0")/env.sh"
ensure_jar
if running zk; then echo "ZooKeeper already running (pid $(cat "$RUN_DIR/zk.pid"))"; exit 0; fi
nohup "$JAVA" -Xmx256m -jar "$JAR" zk --port "$ZK_PORT" --dir "$DATA_DIR/zk" >"$RUN_DIR/zk.log" 2>&1 &
echo $! >"$RUN_DIR/zk.pid"
wait_for_port "$ZK_PORT" 30 || { echo "ZooKeeper did not start; see $RUN_DIR/zk.log"; exit 1; }
echo "ZooKeeper on $ZK (pid $(cat "$RUN_DIR/zk.pid"), log $RUN_DIR/zk.log)"
