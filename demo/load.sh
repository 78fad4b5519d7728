#!/usr/bin/env bash
# A bounded player-reward load over nodes 1-3, then the check that no acknowledged reward was lost.
#   demo/load.sh [--duration-s 10] [--ids 50] [--concurrency 8]
set -euo pipefail
source "$(dirname "$0")/env.sh"
ensure_jar
exec "$JAVA" -jar "$JAR" load --url http://127.0.0.1:8081,http://127.0.0.1:8082,http://127.0.0.1:8083 "$@"
