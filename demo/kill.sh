#!/usr/bin/env bash
# kill -9 demo node N: no goodbye; the leader notices its refused peer port and ends its ZooKeeper
# session at once (docs/failover.md), or else the session expires.
exec "$(dirname "$0")/stop.sh" --kill "$@"
