#!/usr/bin/env bash
# The netsplit walkthrough (README): nodes 1-3 whose ZooKeeper traffic and links to each other go
# through fault proxies, so that one node can be cut off from the rest and healed.
#   demo/netsplit.sh up          ZooKeeper, the proxies (demo faults) and nodes 1-3 behind them
#   demo/netsplit.sh cut N       node N alone: cut from ZooKeeper and from the other nodes (1 | 2)
#   demo/netsplit.sh heal        every link flows again
#   demo/netsplit.sh down        stops the nodes, the proxies and ZooKeeper (by PID)
# Extra arguments of "up" go to every node (e.g. --partition-mode consistent).
set -euo pipefail
source "$(dirname "$0")/env.sh"
CONTROL="http://127.0.0.1:8099"
cmd="${1:?usage: demo/netsplit.sh up|cut N|heal|down}"; shift
case "$cmd" in
  up)
    ensure_jar
    "$DEMO_DIR/zk.sh"
    if ! running faults; then
      nohup "$JAVA" -Xmx128m -jar "$JAR" faults --zk-port "$ZK_PORT" --nodes 3 --control-port 8099 \
        >>"$RUN_DIR/faults.log" 2>&1 &
      echo $! >"$RUN_DIR/faults.pid"
      wait_for "$CONTROL/" 20 || { echo "the fault proxies did not start; see $RUN_DIR/faults.log"; exit 1; }
    fi
    for n in 1 2 3; do NETSPLIT=1 "$DEMO_DIR/node.sh" "$n" "$@"; done
    for n in 1 2 3; do
      wait_for "http://127.0.0.1:$((8080 + n))/health" 30 || echo "node$n is not serving yet (see $RUN_DIR/node$n.log)"
    done
    echo "netsplit demo is up: nodes 1-3 on http://127.0.0.1:8081-8083, links through the proxies ($CONTROL)"
    ;;
  cut)
    n="${1:?usage: demo/netsplit.sh cut N}"
    curl -fsS -X POST "$CONTROL/isolate/node$n"
    ;;
  heal)
    curl -fsS -X POST "$CONTROL/heal"
    ;;
  down)
    curl -fsS -X POST "$CONTROL/heal" >/dev/null 2>&1 || true  # a cut-off node would stall its own leave
    "$DEMO_DIR/stop.sh" 1 2 3 faults zk
    ;;
  *)
    echo "usage: demo/netsplit.sh up|cut N|heal|down"; exit 2
    ;;
esac
