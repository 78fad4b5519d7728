#!/usr/bin/env bash
# Builds the root project into the local Maven repository (no tests), then builds and runs the
# example against those installed artifacts, as a service that depends on Ringleader would.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mvn -q -B -f "$here/../pom.xml" install -DskipTests
mvn -q -B -f "$here/pom.xml" package dependency:build-classpath -Dmdep.outputFile="$here/target/classpath.txt"
exec java -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" com.example.tally.TallyService
