#!/usr/bin/env bash
# The demo: builds what is missing, starts ZooKeeper and nodes 1-3 on ports 8081-8083.
set -euo pipefail
source "$(dirname "$0")/env.sh"
ensure_jar
"$DEMO_DIR/zk.sh"
for n in 1 2 3; do "$DEMO_DIR/node.sh" "$n" "$@"; done
for n in 1 2 3; do
  wait_for "http://127.0.0.1:$((8080 + n))/health" 20 || echo "node$n is not serving yet (see $RUN_DIR/node$n.log)"
done
echo
echo "Ringleader demo is up: nodes 1-3 on http://127.0.0.1:8081-8083, ZooKeeper on $ZK."
echo "Try:  curl localhost:8081/request/42     curl -XPOST localhost:8082/workers/player/alice -d '{\"reward\":5}'"
echo "      curl localhost:8081/cluster        demo/zkcli.sh        demo/stop.sh"
