# Shared by the demo scripts: where the jar, the logs and the PIDs are.
DEMO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$DEMO_DIR/.." && pwd)"
JAR="$DEMO_DIR/target/ringleader-demo.jar"
RUN_DIR="$DEMO_DIR/run"
DATA_DIR="$DEMO_DIR/data"
ZK_PORT="${ZK_PORT:-2181}"
ZK="127.0.0.1:$ZK_PORT"
CLUSTER="${CLUSTER:-demo}"
JAVA="${JAVA:-java}"
mkdir -p "$RUN_DIR" "$DATA_DIR"
# The demo's cluster secret (peers prove it to each other) and admin token (POST /admin/leave),
# made on first start, readable by this user only.
if [ ! -s "$DATA_DIR/cluster-secret" ]; then
  # A new secret is a new cluster: znodes kept from before carry another secret's ACL (or none).
  if [ -d "$DATA_DIR/zk" ] && ! { [ -f "$RUN_DIR/zk.pid" ] && kill -0 "$(cat "$RUN_DIR/zk.pid")" 2>/dev/null; }; then
    rm -rf "$DATA_DIR/zk"
  fi
  (umask 077; head -c 32 /dev/urandom | base64 >"$DATA_DIR/cluster-secret")
fi
if [ ! -s "$DATA_DIR/admin-token" ]; then
  (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$DATA_DIR/admin-token")
fi
export RINGLEADER_CLUSTER_SECRET_FILE="${RINGLEADER_CLUSTER_SECRET_FILE:-$DATA_DIR/cluster-secret}"
export RINGLEADER_ADMIN_TOKEN="${RINGLEADER_ADMIN_TOKEN:-$(cat "$DATA_DIR/admin-token")}"

ensure_jar() {
  if [ ! -f "$JAR" ]; then
    echo "building $JAR (first run)..."
    (cd "$ROOT_DIR" && mvn -B -q -DskipTests package) || { echo "build failed"; exit 1; }
  fi
}

# wait_for URL SECONDS: polls until the URL answers 200.
wait_for() {
  local url="$1" deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}

# wait_for_port PORT SECONDS
wait_for_port() {
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    if (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}

# running NAME: true when the process in run/NAME.pid is alive.
running() {
  local f="$RUN_DIR/$1.pid"
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}
