#!/usr/bin/env bash
# The ZooKeeper CLI on the demo's ZooKeeper. No argument: the interactive shell.
# With arguments, one command:  demo/zkcli.sh ls /ringleader/demo/members
set -euo pipefail
source "$(dirname "$0")/env.sh"
ensure_jar
exec "$JAVA" -jar "$JAR" zkcli -server "$ZK" "$@"
