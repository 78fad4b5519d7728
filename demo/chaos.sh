#!/usr/bin/env bash
# The fault suite (README, "Fault suite"): one seeded run of 5 nodes under faults, then the checks.
#   demo/chaos.sh [--seed N] [--seconds 60] [--clients 5] [--players 40] [--names zookeeper|ring]
#                 [--durability memory|disk|disk-fsync]
# Builds the jar only if it is missing (mvn package otherwise). Prints the seed at the start and in
# the summary; exits 1 when a check failed. Logs: demo/target/chaos-logs/<seed>/<run>/.
set -euo pipefail
source "$(dirname "$0")/env.sh"
ensure_jar
exec "$JAVA" -Xmx512m -jar "$JAR" chaos --log-dir "$DEMO_DIR/target/chaos-logs" "$@"
