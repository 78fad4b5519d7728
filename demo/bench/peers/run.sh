#!/usr/bin/env bash
# The peers benchmark, in one command: Ringleader's write workload (10,000 counters, +1 on a random
# counter per request) on Ringleader, a bare HTTP server and two peer systems, on 127.0.0.1:
#   baseline    the demo jar's `bench baseline`: one JVM, a plain Undertow answering a fixed small JSON
#   ringleader  the demo jar: ZooKeeper + 3 nodes, POST /workers/player/<k> {"reward":1}, replication 2
#   hazelcast   Hazelcast IMap, backup-count 1 (sync), EntryProcessor via submitToKey; Undertow front
#   pekko       Pekko Cluster Sharding (typed), an int per entity, ask with a 5 s timeout; pekko-http front
# One system at a time: start its JVMs on free ports of 127.0.0.1:19100-19199, wait until all answer,
# seed every counter once, wrk warm-up, measured wrk, stop its JVMs by PID. Then one markdown table
# on stdout and in demo/bench/peers/target/peers.md.
#   demo/bench/peers/run.sh [--warmup 20] [--seconds 15] [--only baseline,ringleader,hazelcast,pekko]
#                           [--quiet-wait 60]
# baseline and ringleader run a copy of demo/target/ringleader-demo.jar (built by the Ringleader
# build, not by this script), taken at the start into demo/bench/peers/target/ringleader-demo.jar.
# --quiet-wait: before each system, wait up to that many seconds for the (shared) machine to be at
# least 80% idle over 2 s, then go on either way; the table's notes say how busy it was.
# Logs and raw wrk output: demo/bench/peers/target/logs/.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
WARMUP_S=20
MEASURE_S=15
ONLY="baseline,ringleader,hazelcast,pekko"
KEYS=10000
WRK_THREADS=3        # one wrk thread per node (incr.lua's setup() points thread i at node i; baseline: all 3 at it)
WRK_CONNECTIONS=63   # 21 per node
WRK_TIMEOUT=5s       # as long as Pekko's ask timeout
QUIET_WAIT_S=60      # before each system, wait up to this long for a quiet machine (it is shared)
SEED_DEADLINE_S=300
READY_DEADLINE_S=180
STOP_DEADLINE_S=30
HEAP="-Xms512m -Xmx512m"
ZK_HEAP="-Xmx256m"   # Ringleader's embedded ZooKeeper, as demo/bench.sh starts it
RL_SESSION_MS=4000   # Ringleader's ZooKeeper session timeout (--session-timeout-ms)
RL_PATH="/workers/player/%d"   # Ringleader's write: the demo's player, {"reward":1} adds 1 to its score
RL_BODY='{"reward":1}'
# The module opens Hazelcast's documentation asks for on Java 9+ (without them it warns and loses
# some metrics); Pekko needs none.
HZ_OPENS="--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --warmup) WARMUP_S="$2"; shift 2 ;;
    --seconds) MEASURE_S="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --quiet-wait) QUIET_WAIT_S="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
for v in "$WARMUP_S" "$MEASURE_S"; do
  [[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -gt 0 ] || { echo "run.sh: --warmup and --seconds take whole seconds > 0" >&2; exit 2; }
done
[[ "$QUIET_WAIT_S" =~ ^[0-9]+$ ]] || { echo "run.sh: --quiet-wait takes whole seconds" >&2; exit 2; }

log() { echo "[peers $(date +%H:%M:%S)] $*" >&2; }

if ! command -v wrk >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
  log "wrk or curl missing: running scripts/install-deps.sh"
  bash "$ROOT/scripts/install-deps.sh"
fi

TARGET="$HERE/target"
LOGS="$TARGET/logs"
mkdir -p "$LOGS"
CLK_TCK="$(getconf CLK_TCK)"


IFS=, read -r -a SYSTEMS <<<"$ONLY"
[ ${#SYSTEMS[@]} -gt 0 ] || { echo "run.sh: --only names no system" >&2; exit 2; }
NEED_PEERS=0
NEED_DEMO=0
for s in "${SYSTEMS[@]}"; do
  case "$s" in
    baseline|ringleader) NEED_DEMO=1 ;;
    hazelcast|pekko) NEED_PEERS=1 ;;
    *) echo "run.sh: unknown system $s (baseline, ringleader, hazelcast, pekko)" >&2; exit 2 ;;
  esac
done

if [ $NEED_PEERS -eq 1 ]; then
  log "building (mvn -q -f demo/bench/peers/pom.xml package)"
  mvn -q -f "$HERE/pom.xml" package
fi

# The demo jar: this script never builds it. It copies it once, so that a rebuild of the Ringleader
# project during the run cannot change or break the jar under the running JVMs; a copy taken while
# the jar was being rewritten (size or mtime changed during the copy) is refused.
DEMO_SRC="$ROOT/demo/target/ringleader-demo.jar"
DEMO_JAR="$TARGET/ringleader-demo.jar"
DEMO_ID=""
if [ $NEED_DEMO -eq 1 ]; then
  [ -f "$DEMO_SRC" ] || { log "$DEMO_SRC is missing: build the demo first (the Ringleader build, from the root)"; exit 1; }
  stamp0="$(stat -c '%s %Y' "$DEMO_SRC")"
  cp "$DEMO_SRC" "$DEMO_JAR.tmp.$$"
  stamp1="$(stat -c '%s %Y' "$DEMO_SRC")"
  if [ "$stamp0" != "$stamp1" ] || [ "$(stat -c %s "$DEMO_JAR.tmp.$$")" != "${stamp0%% *}" ]; then
    rm -f "$DEMO_JAR.tmp.$$"
    log "$DEMO_SRC changed while it was copied (a build is writing it): run again when the build is done"
    exit 1
  fi
  mv -f "$DEMO_JAR.tmp.$$" "$DEMO_JAR"
  DEMO_ID="sha256 $(sha256sum "$DEMO_JAR" | cut -c1-12), built $(date -u -d "@${stamp0##* }" +%Y-%m-%dT%H:%M:%SZ)"
  log "demo jar: copied to $DEMO_JAR ($DEMO_ID)"
fi

# ---- processes: everything this script starts is in SERVERS or HELPERS and is stopped by PID ----
SERVERS=()   # the measured JVMs of the system being run (their CPU is the table's server CPU)
HELPERS=()   # its other JVMs (Ringleader's ZooKeeper): stopped after the servers, CPU reported apart
declare -A PID_LOG=()
RL_TMP=""    # Ringleader's ZooKeeper directory and cluster secret, removed after the system's run
stop_pids() {
  [ $# -gt 0 ] || return 0
  local all=("$@") p left deadline=$((SECONDS + STOP_DEADLINE_S))
  log "stopping PIDs ${all[*]}"
  for p in "${all[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  while :; do
    left=()
    for p in "${all[@]}"; do alive "$p" && left+=("$p"); done
    [ ${#left[@]} -eq 0 ] && break
    if [ $SECONDS -ge $deadline ]; then
      log "still alive after ${STOP_DEADLINE_S}s, SIGKILL: ${left[*]}"
      for p in "${left[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
      break
    fi
    sleep 0.5
  done
  for p in "${all[@]}"; do wait "$p" 2>/dev/null || true; done
}
stop_nodes() {
  # The servers first, so that Ringleader's nodes leave while their ZooKeeper still runs.
  stop_pids "${SERVERS[@]}"
  SERVERS=()
  stop_pids "${HELPERS[@]}"
  HELPERS=()
  if [ -n "$RL_TMP" ]; then rm -rf -- "$RL_TMP"; RL_TMP=""; fi
}
trap stop_nodes EXIT
trap 'exit 130' INT TERM

# alive PID: the process runs (a child that exited stays a zombie, which kill -0 still finds).
alive() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [ "${stat:0:1}" != Z ]
}

# check_alive SYSTEM: exits with the tail of its log when one of the system's JVMs has ended.
check_alive() {
  local p
  for p in "${SERVERS[@]}" "${HELPERS[@]}"; do
    alive "$p" && continue
    log "$1: $(basename "${PID_LOG[$p]}" .log) (PID $p) died:"
    tail -20 "${PID_LOG[$p]}" >&2
    exit 1
  done
}

# ---- ports ----
port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}
# port_accepts PORT: something accepts a TCP connection on 127.0.0.1:PORT.
port_accepts() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
# free_ports FROM COUNT: COUNT ports of FROM..19199 with no socket on them (listening or not).
free_ports() {
  local p=$1 n=$2 found=()
  while [ ${#found[@]} -lt "$n" ] && [ "$p" -le 19199 ]; do
    port_in_use "$p" || found+=("$p")
    p=$((p + 1))
  done
  [ ${#found[@]} -eq "$n" ] || { echo "run.sh: fewer than $n free ports in $1-19199" >&2; return 1; }
  echo "${found[*]}"
}
# cpu_ticks PID...: utime+stime (fields 14 and 15 of /proc/PID/stat, counted after the ")" that ends
# the command name) of each PID, one number a line.
cpu_ticks() {
  local p rest
  for p in "$@"; do
    rest="$(cat "/proc/$p/stat")"
    rest="${rest##*) }"
    # rest starts at field 3 (state): utime is its 12th word, stime its 13th.
    awk '{print $12 + $13}' <<<"$rest"
  done
}

# thread_ticks PID...: "<tid> <kind> <utime+stime>" for each JIT compiler thread (kind jit) and GC
# thread (kind gc) of the JVMs. Compiler threads come and go (a thread that ends inside the window
# takes its ticks with it), so the JIT share in the note is a lower bound.
thread_ticks() {
  local p
  for p in "$@"; do
    cat /proc/"$p"/task/*/stat 2>/dev/null || true
  done | awk '{
      line = $0; lp = index(line, "("); rp = 0
      for (i = length(line); i > 0; i--) if (substr(line, i, 1) == ")") { rp = i; break }
      name = substr(line, lp + 1, rp - lp - 1)
      split(substr(line, rp + 2), f, " ")
      kind = ""
      if (name ~ /^C[12] CompilerThre/) kind = "jit"
      else if (name ~ /^(GC Thread|G1 )/) kind = "gc"
      if (kind != "") print $1, kind, f[12] + f[13]
    }'
}

# machine_ticks: "<busy> <steal> <total>" of all CPUs from /proc/stat (busy = user, nice, system,
# irq, softirq; total adds idle, iowait and steal). Builtins only: no child process.
machine_ticks() {
  local cpu user nice system idle iowait irq softirq steal rest
  read -r cpu user nice system idle iowait irq softirq steal rest </proc/stat
  echo "$((user + nice + system + irq + softirq)) $steal $((user + nice + system + idle + iowait + irq + softirq + steal))"
}

# child_ticks: cutime+cstime of the script's shell ($$), the CPU of its waited-for children (fields
# 16 and 17 of its stat): read just before and after wrk, the difference is wrk's CPU. Builtins only.
child_ticks() {
  local stat f
  read -r stat </proc/$$/stat
  stat="${stat##*) }"
  read -r -a f <<<"$stat"
  echo $((f[13] + f[14]))
}

# wait_quiet: up to QUIET_WAIT_S seconds for 2 s in which the machine is at least 80% idle.
wait_quiet() {
  [ "$QUIET_WAIT_S" -gt 0 ] || return 0
  local deadline=$((SECONDS + QUIET_WAIT_S)) a b busy
  while :; do
    a=($(machine_ticks)); sleep 2; b=($(machine_ticks))
    busy=$(( (b[0] - a[0] + b[1] - a[1]) * 100 / (b[2] - a[2] > 0 ? b[2] - a[2] : 1) ))
    if [ "$busy" -le 20 ]; then log "machine ${busy}% busy: quiet enough"; return 0; fi
    if [ $SECONDS -ge $deadline ]; then log "machine still ${busy}% busy after ${QUIET_WAIT_S}s (other processes): going on"; return 0; fi
    log "machine ${busy}% busy (other processes): waiting for a quieter moment"
  done
}


# seed SYSTEM PATH BODY NODE...: one POST to PATH (its %d the key) for every k of 1..KEYS, with BODY
# as JSON when not empty (key k to the k mod 3'th node, curl with 21 transfers at a time), so every
# counter exists before the warm-up, as the live workers of Ringleader's write benchmark do: a
# Ringleader player worker (and its replica), a Hazelcast entry, a Pekko entity (and its shard).
seed() {
  local system=$1 path=$2 body=$3; shift 3
  local nodes=("$@") cfg="$LOGS/$system-seed.curl" k ok url data=()
  [ -z "$body" ] || data=(-H "Content-Type: application/json" --data-binary "$body")
  : >"$cfg"
  for ((k = 1; k <= KEYS; k++)); do
    # shellcheck disable=SC2059
    url="$(printf "http://127.0.0.1:%s$path" "${nodes[$((k % 3))]}" "$k")"
    printf 'url = "%s"\noutput = "/dev/null"\n' "$url" >>"$cfg"
  done
  ok="$(timeout "$SEED_DEADLINE_S" curl -s -X POST "${data[@]}" --parallel --parallel-max 21 -m 10 -w '%{http_code}\n' -K "$cfg" 2>/dev/null | grep -c '^200$' || true)"
  SEEDED="$ok of $KEYS counters answered 200"
  [ "$ok" -eq "$KEYS" ] || log "$system: seeding answered 200 to $ok of $KEYS counters (the warm-up touches the rest)"
}

# ---- starting and checking each kind of system; each sets HTTP (the 3 fronts, in wrk thread order) ----
HTTP=()
READY_WHY=""

start_jvm() { # start_jvm LOGNAME server|helper JAVA-ARGS...: one JVM in the background
  local name=$1 kind=$2; shift 2
  java "$@" >"$LOGS/$name.log" 2>&1 &
  PID_LOG[$!]="$LOGS/$name.log"
  if [ "$kind" = server ]; then SERVERS+=($!); else HELPERS+=($!); fi
}

# hazelcast, pekko: 3 nodes, ports http1-3 cluster1-3; ready = every node's GET /ready is 200
# (Hazelcast: 3 members and cluster safe; Pekko: 3 Up).
start_peer() {
  local system=$1 jar=$2 opts=$3; shift 3
  local ports=("$@") members i
  HTTP=("${ports[@]:0:3}")
  members="$(IFS=,; echo "${ports[*]:3:3}")"
  log "$system: starting 3 nodes, HTTP ${HTTP[*]}, cluster ${ports[*]:3:3}"
  for i in 0 1 2; do
    # shellcheck disable=SC2086
    start_jvm "$system-node$((i + 1))" server $opts -jar "$jar" "${HTTP[$i]}" "${ports[$((i + 3))]}" "$members"
  done
}
ready_peer() {
  local i ok=0
  for i in 0 1 2; do
    curl -sf -m 2 "http://127.0.0.1:${HTTP[$i]}/ready" >/dev/null 2>&1 && ok=$((ok + 1))
  done
  READY_WHY="$ok of 3 nodes answer GET /ready 200"
  [ $ok -eq 3 ]
}

# ringleader: ZooKeeper on port zk (waited for here), then 3 nodes, HTTP http1-3, peer port peer1-3,
# one cluster secret; ready = every node's GET /health/ready is 200 and node1's GET /cluster shows a
# ring of 3.
start_ringleader() {
  local deadline=$1 zk=$2; shift 2
  local ports=("$@") i
  HTTP=("${ports[@]:0:3}")
  RL_TMP="$(mktemp -d "${TMPDIR:-/tmp}/peers-ringleader.XXXXXX")"
  mkdir "$RL_TMP/zk"
  (umask 077; head -c 32 /dev/urandom | base64 >"$RL_TMP/cluster-secret")
  chmod 600 "$RL_TMP/cluster-secret"
  log "ringleader: starting ZooKeeper on $zk"
  # shellcheck disable=SC2086
  start_jvm ringleader-zk helper $ZK_HEAP -jar "$DEMO_JAR" zk --port "$zk" --dir "$RL_TMP/zk"
  until port_accepts "$zk"; do
    check_alive ringleader
    [ $SECONDS -lt "$deadline" ] || { log "ringleader: ZooKeeper does not accept on $zk after ${READY_DEADLINE_S}s"; exit 1; }
    sleep 0.5
  done
  log "ringleader: starting 3 nodes, HTTP ${HTTP[*]}, peer ${ports[*]:3:3}, cluster peers$$"
  for i in 0 1 2; do
    # shellcheck disable=SC2086
    start_jvm "ringleader-node$((i + 1))" server $HEAP -jar "$DEMO_JAR" node --id "node$((i + 1))" \
      --port "${HTTP[$i]}" --peer-port "${ports[$((i + 3))]}" --zk "127.0.0.1:$zk" --cluster "peers$$" \
      --session-timeout-ms "$RL_SESSION_MS" --min-nodes 2 --replication 2 \
      --cluster-secret-file "$RL_TMP/cluster-secret"
  done
}
ready_ringleader() {
  local i ok=0 ring
  for i in 0 1 2; do
    curl -sf -m 2 "http://127.0.0.1:${HTTP[$i]}/health/ready" >/dev/null 2>&1 && ok=$((ok + 1))
  done
  READY_WHY="$ok of 3 nodes answer GET /health/ready 200"
  [ $ok -eq 3 ] || return 1
  # The ring's nodes are the keys of "shares" in GET /cluster's "ring" object (the only "shares").
  ring="$(curl -sf -m 2 "http://127.0.0.1:${HTTP[0]}/cluster" 2>/dev/null \
    | sed -n 's/.*"shares":{\([^}]*\)}.*/\1/p' | grep -o '"[^"]*":' | wc -l)"
  READY_WHY="all 3 nodes ready, node1's GET /cluster shows a ring of $ring"
  [ "$ring" -eq 3 ]
}

# baseline: one JVM; wrk's 3 threads all point at its one port; ready = it answers 200.
start_baseline() {
  local port=$1
  HTTP=("$port" "$port" "$port")
  log "baseline: starting bench baseline on $port"
  # shellcheck disable=SC2086
  start_jvm baseline server $HEAP -jar "$DEMO_JAR" bench baseline --port "$port"
}
ready_baseline() {
  READY_WHY="it does not answer 200"
  curl -sf -m 2 -o /dev/null "http://127.0.0.1:${HTTP[0]}/" 2>/dev/null
}

# post_probe SYSTEM NODE-INDEX ID: POSTs one increment of counter ID to node NODE-INDEX (0..2),
# retried until the deadline (the first one may wait for a shard, partition or worker to be placed),
# and prints the counter's new value from the answer (peers: a bare number; Ringleader: the
# player's reply {"type","id","node","reply":{"score":N}}).
post_probe() {
  local system=$1 i=$2 id=$3 got
  while :; do
    if [ "$system" = ringleader ]; then
      got="$(curl -sf -m 10 -X POST -H "Content-Type: application/json" --data-binary "$RL_BODY" \
        "http://127.0.0.1:${HTTP[$i]}/workers/player/$id" 2>/dev/null || true)"
      echo "$got" >>"$LOGS/$system-probe.txt"
      got="$(sed -n 's/.*"reply":{[^}]*"score":\(-\{0,1\}[0-9][0-9]*\).*/\1/p' <<<"$got")"
    else
      got="$(curl -sf -m 10 -X POST "http://127.0.0.1:${HTTP[$i]}/incr/$id" 2>/dev/null || true)"
    fi
    [ -n "$got" ] && break
    [ $SECONDS -lt "$DEADLINE" ] || { log "$system: POST on node$((i + 1)) does not answer (see $LOGS/$system-probe.txt)"; exit 1; }
    sleep 0.5
  done
  echo "$got"
}

# probe SYSTEM: one counter incremented through each of the three fronts must read 1, 2, 3 (the
# nodes share it); for Ringleader every front's GET /workers/player/<id> must then show score 3.
probe() {
  local system=$1 id="probe-$1-$$" i got
  for i in 0 1 2; do
    got="$(post_probe "$system" "$i" "$id")" || exit 1   # post_probe said why
    [ "$got" = $((i + 1)) ] || { log "$system: node$((i + 1)) answered $got for the shared probe counter, expected $((i + 1))"; exit 1; }
  done
  [ "$system" = ringleader ] || { PROBED="one counter through all three fronts reads 1,2,3"; return 0; }
  for i in 0 1 2; do
    got="$(curl -sf -m 10 "http://127.0.0.1:${HTTP[$i]}/workers/player/$id" 2>/dev/null || true)"
    echo "$got" >>"$LOGS/$system-probe.txt"
    got="$(sed -n 's/.*"state":{.*"score":\(-\{0,1\}[0-9][0-9]*\).*/\1/p' <<<"$got")"
    [ "$got" = 3 ] || { log "$system: GET /workers/player/$id on node$((i + 1)) shows score '$got', expected 3 (see $LOGS/$system-probe.txt)"; exit 1; }
  done
  PROBED="one player through all three fronts replies score 1,2,3 and reads score 3 on each"
}

# ---- one system ----
R_SYS=()
R_RPS=()
R_P99=()
R_CPU=()
NOTES=()
SEEDED=""
PROBED=""
DEADLINE=0

run_system() {
  local system=$1 first nports label
  case "$system" in
    baseline)   first=19140; nports=1
                label="the demo jar's \`bench baseline\` ($DEMO_ID): one JVM, a plain Undertow answering every request from its IO thread with a fixed small JSON; wrk's 3 threads all on its one port, sending Ringleader's request" ;;
    ringleader) first=19120; nports=7
                label="Ringleader demo jar ($DEMO_ID): 3 nodes, player workers (a PN-counter score), --replication 2 with the default ack=replicas, --min-nodes 2, ZooKeeper session ${RL_SESSION_MS} ms; POST /workers/player/<k> {\"reward\":1}" ;;
    hazelcast)  first=19100; nports=6
                label="Hazelcast 5.7.0 IMap (backup-count 1, sync) + EntryProcessor, Undertow 2.4.4.Final" ;;
    pekko)      first=19150; nports=6
                label="Pekko 1.7.0 Cluster Sharding typed (no persistence, no replication), pekko-http 1.3.0" ;;
  esac
  local ports path="/incr/%d" body=""
  ports=($(free_ports "$first" "$nports"))
  [ ${#ports[@]} -eq "$nports" ] || exit 1
  wait_quiet
  : >"$LOGS/$system-probe.txt"
  DEADLINE=$((SECONDS + READY_DEADLINE_S))
  case "$system" in
    baseline)   start_baseline "${ports[0]}"; path="$RL_PATH"; body="$RL_BODY" ;;
    ringleader) start_ringleader "$DEADLINE" "${ports[@]}"; path="$RL_PATH"; body="$RL_BODY" ;;
    hazelcast)  start_peer hazelcast "$HERE/hazelcast/target/peers-hazelcast.jar" "$HEAP $HZ_OPENS" "${ports[@]}" ;;
    pekko)      start_peer pekko "$HERE/pekko/target/peers-pekko.jar" "$HEAP" "${ports[@]}" ;;
  esac
  local kind=peer
  [ "$system" = hazelcast ] || [ "$system" = pekko ] || kind=$system
  until "ready_$kind"; do
    check_alive "$system"
    [ $SECONDS -lt $DEADLINE ] || { log "$system: not ready after ${READY_DEADLINE_S}s: $READY_WHY (logs in $LOGS)"; exit 1; }
    sleep 0.5
  done
  if [ "$system" = baseline ]; then
    PROBED="answers 200"
    SEEDED="none (nothing to create)"
    log "baseline: ready"
  else
    probe "$system"
    log "$system: 3 nodes ready, $PROBED"
    log "$system: seeding: every one of the $KEYS counters +1 once"
    seed "$system" "$path" "$body" "${HTTP[@]}"
  fi

  local nodes url i
  nodes="$(for i in 0 1 2; do printf '127.0.0.1:%s,' "${HTTP[$i]}"; done)"
  nodes="${nodes%,}"
  url="http://127.0.0.1:${HTTP[0]}"
  local wrk_args=(-t"$WRK_THREADS" -c"$WRK_CONNECTIONS" --timeout "$WRK_TIMEOUT" --latency -s "$HERE/incr.lua")

  log "$system: warm-up ${WARMUP_S}s"
  PEERS_NODES="$nodes" PEERS_PATH="$path" PEERS_BODY="$body" \
    wrk "${wrk_args[@]}" -d"${WARMUP_S}s" "$url" -- "$KEYS" >"$LOGS/$system-warmup.txt" 2>&1

  log "$system: measured ${MEASURE_S}s"
  local before after hb=() ha=() m0 m1 w0 w1 t0 t1
  t0="$(thread_ticks "${SERVERS[@]}")"
  before=($(cpu_ticks "${SERVERS[@]}"))
  [ ${#HELPERS[@]} -eq 0 ] || hb=($(cpu_ticks "${HELPERS[@]}"))
  m0=($(machine_ticks))
  w0=$(child_ticks)
  PEERS_NODES="$nodes" PEERS_PATH="$path" PEERS_BODY="$body" \
    wrk "${wrk_args[@]}" -d"${MEASURE_S}s" "$url" -- "$KEYS" >"$LOGS/$system-measured.txt" 2>&1
  w1=$(child_ticks)
  m1=($(machine_ticks))
  [ ${#HELPERS[@]} -eq 0 ] || ha=($(cpu_ticks "${HELPERS[@]}"))
  after=($(cpu_ticks "${SERVERS[@]}"))
  t1="$(thread_ticks "${SERVERS[@]}")"
  # JIT and GC threads' ticks over the window: per thread id, after minus before (0 if new).
  local jit gc
  read -r jit gc < <(awk 'NR == FNR { b[$1] = $3; next } { d = $3 - ($1 in b ? b[$1] : 0); s[$2] += d }
      END { printf "%d %d\n", s["jit"], s["gc"] }' <(echo "$t0") <(echo "$t1"))

  local result
  result="$(grep '^RESULT ' "$LOGS/$system-measured.txt" | tail -1)"
  [ -n "$result" ] || { log "$system: wrk printed no RESULT line:"; cat "$LOGS/$system-measured.txt" >&2; exit 1; }
  local ticks=0 split="" name n=${#SERVERS[@]}
  for ((i = 0; i < n; i++)); do
    ticks=$((ticks + after[i] - before[i]))
    name="node$((i + 1))"; [ "$system" != baseline ] || name=baseline
    split="$split $name $(( (after[i] - before[i]) * 1000 / CLK_TCK )) ms,"
  done
  local helper=0
  for ((i = 0; i < ${#HELPERS[@]}; i++)); do helper=$((helper + ha[i] - hb[i])); done
  # RESULT <requests> <duration_us> <connect> <read> <write> <status> <timeout> <p50> <p99> <p99.9> <max>
  local row
  row="$(awk -v ticks="$ticks" -v hz="$CLK_TCK" '{
      req = $2; dur = $3 / 1e6
      printf "%.0f %.1f %.3f", req / dur, $10 / 1000, (req > 0 ? ticks * 1000 / hz / req : 0)
    }' <<<"$result")"
  local rps p99 cpu
  read -r rps p99 cpu <<<"$row"
  R_SYS+=("$system"); R_RPS+=("$rps"); R_P99+=("$p99"); R_CPU+=("$cpu")
  # The machine over the window, in % of all its CPUs: the servers, wrk, Ringleader's ZooKeeper,
  # everything else, steal.
  local total=$((m1[2] - m0[2])) busy=$((m1[0] - m0[0])) steal=$((m1[1] - m0[1])) wrk_t=$((w1 - w0)) note
  note="$(awk -v sys="$system" -v label="$label" -v bynode="${split%,}" -v total="$total" -v busy="$busy" \
      -v steal="$steal" -v srv="$ticks" -v wrk="$wrk_t" -v helper="$helper" -v hz="$CLK_TCK" -v nsrv="$n" \
      -v cores="$(nproc)" -v seeded="$SEEDED" -v probed="$PROBED" -v jit="$jit" -v gc="$gc" '{
      t = total > 0 ? total : 1; other = busy - srv - wrk - helper; if (other < 0) other = 0
      zk = ""; zkshare = ""
      if (sys == "ringleader") {
        zk = sprintf(" The ZooKeeper JVM (not in the server CPU): %d ms over the window, %.3f ms/request.", helper * 1000 / hz, ($2 > 0 ? helper * 1000 / hz / $2 : 0))
        zkshare = sprintf(", ZooKeeper %.0f%%", 100 * helper / t)
      }
      printf "- %s: %s. %d requests in %.1f s; p50 %.1f ms, p99.9 %.1f ms, max %.1f ms; errors: %d non-2xx, %d connect, %d read, %d write, %d timeout; check: %s; seeding: %s. Server CPU by %s:%s; of all server CPU, JIT compiler threads at least %.0f%%, GC threads %.0f%%.%s The %d cores over the window: server%s %.0f%%%s, wrk %.0f%%, other processes %.0f%%, steal %.0f%%, idle %.0f%%.",
        sys, label, $2, $3 / 1e6, $9 / 1000, $11 / 1000, $12 / 1000, $7, $4, $5, $6, $8, probed, seeded, (nsrv > 1 ? "node" : "JVM"), bynode, 100 * jit / (srv > 0 ? srv : 1), 100 * gc / (srv > 0 ? srv : 1), zk, cores,
        (nsrv > 1 ? "s" : ""), 100 * srv / t, zkshare, 100 * wrk / t, 100 * other / t, 100 * steal / t, 100 * (t - busy - steal) / t
    }' <<<"$result")"
  NOTES+=("$note")
  log "$system: $rps req/s, p99 $p99 ms, server CPU $cpu ms/request"
  stop_nodes
}

for s in "${SYSTEMS[@]}"; do run_system "$s"; done

# The table; with the baseline in the run, each row's req/s is also given as a multiple of it.
BASE_RPS=""
for ((i = 0; i < ${#R_SYS[@]}; i++)); do [ "${R_SYS[$i]}" != baseline ] || BASE_RPS="${R_RPS[$i]}"; done
{
  echo "## Peers benchmark: 10,000 counters, +1 per request"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, warm-up ${WARMUP_S} s, measured ${MEASURE_S} s;" \
    "wrk -t${WRK_THREADS} -c${WRK_CONNECTIONS} (one thread and $((WRK_CONNECTIONS / WRK_THREADS)) connections per node; baseline: all three on its one port) --timeout ${WRK_TIMEOUT};" \
    "3 server JVMs per system on 127.0.0.1 (baseline: 1), ${HEAP}; server CPU = utime+stime of the server JVMs (ringleader: its 3 nodes, not its ZooKeeper) over the measured window / requests (CLK_TCK ${CLK_TCK})."
  echo
  if [ -n "$BASE_RPS" ]; then
    echo "| system | req/s | x baseline | p99 ms | server CPU ms/request |"
    echo "| --- | ---: | ---: | ---: | ---: |"
  else
    echo "| system | req/s | p99 ms | server CPU ms/request |"
    echo "| --- | ---: | ---: | ---: |"
  fi
  for ((i = 0; i < ${#R_SYS[@]}; i++)); do
    if [ -n "$BASE_RPS" ]; then
      awk -v s="${R_SYS[$i]}" -v r="${R_RPS[$i]}" -v b="$BASE_RPS" -v p="${R_P99[$i]}" -v c="${R_CPU[$i]}" \
        'BEGIN { printf "| %s | %s | %.2fx | %s | %s |\n", s, r, (b > 0 ? r / b : 0), p, c }'
    else
      echo "| ${R_SYS[$i]} | ${R_RPS[$i]} | ${R_P99[$i]} | ${R_CPU[$i]} |"
    fi
  done
  echo
  printf '%s\n' "${NOTES[@]}"
} | tee "$TARGET/peers.md"
