#!/usr/bin/env bash
# kill -9 demo node N: no goodbye; the others notice when its ZooKeeper session expires.
exec "$(dirname "$0")/stop.sh" --kill "$@"
