#!/usr/bin/env bash
# Stops demo processes by PID. No argument: nodes 1-9, the fault proxies, then ZooKeeper. Arguments: node
# numbers, "faults" or "zk".
# SIGTERM by default (a node hands its workers over and leaves); --kill sends SIGKILL (kill -9).
set -uo pipefail
source "$(dirname "$0")/env.sh"
signal=TERM
if [ "${1:-}" = "--kill" ]; then signal=KILL; shift; fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(1 2 3 4 5 6 7 8 9 faults zk); fi
for t in "${targets[@]}"; do
  case "$t" in zk|faults) name="$t" ;; *) name="node$t" ;; esac
  if running "$name"; then
    pid=$(cat "$RUN_DIR/$name.pid")
    kill -s "$signal" "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then echo "$name (pid $pid) did not stop in 15 s; sending KILL"; kill -9 "$pid"; fi
    echo "stopped $name (pid $pid, SIG$signal)"
  fi
  rm -f "$RUN_DIR/$name.pid"
done
