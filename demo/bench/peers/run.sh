#!/usr/bin/env bash
# The peers benchmark, in one command: Ringleader's write workload (10,000 counters, POST /incr/<k>,
# +1 on a random counter per request) against two peer systems, 3 JVMs each on 127.0.0.1:
#   hazelcast  Hazelcast IMap, backup-count 1 (sync), EntryProcessor via submitToKey; Undertow front
#   pekko      Pekko Cluster Sharding (typed), an int per entity, ask with a 5 s timeout; pekko-http front
# One system at a time: build, start its 3 nodes on free ports of 127.0.0.1:19100-19199, wait until all
# answer, seed every counter once, wrk warm-up, measured wrk, stop its JVMs by PID. Then one markdown
# table on stdout and in
# demo/bench/peers/target/peers.md.
#   demo/bench/peers/run.sh [--warmup 20] [--seconds 15] [--only hazelcast,pekko] [--quiet-wait 60]
# --quiet-wait: before each system, wait up to that many seconds for the (shared) machine to be at
# least 80% idle over 2 s, then go on either way; the table's notes say how busy it was.
# Logs and raw wrk output: demo/bench/peers/target/logs/.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
WARMUP_S=20
MEASURE_S=15
ONLY="hazelcast,pekko"
KEYS=10000
WRK_THREADS=3        # one wrk thread per node (incr.lua's setup() points thread i at node i)
WRK_CONNECTIONS=63   # 21 per node
WRK_TIMEOUT=5s       # as long as Pekko's ask timeout
QUIET_WAIT_S=60      # before each system, wait up to this long for a quiet machine (it is shared)
SEED_DEADLINE_S=300
READY_DEADLINE_S=180
STOP_DEADLINE_S=30
HEAP="-Xms512m -Xmx512m"
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

log "building (mvn -q -f demo/bench/peers/pom.xml package)"
mvn -q -f "$HERE/pom.xml" package

# ---- processes: everything this script starts is in PIDS and is stopped by PID ----
PIDS=()
stop_nodes() {
  [ ${#PIDS[@]} -gt 0 ] || return 0
  log "stopping PIDs ${PIDS[*]}"
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  local deadline=$((SECONDS + STOP_DEADLINE_S)) left
  while :; do
    left=()
    for p in "${PIDS[@]}"; do alive "$p" && left+=("$p"); done
    [ ${#left[@]} -eq 0 ] && break
    if [ $SECONDS -ge $deadline ]; then
      log "still alive after ${STOP_DEADLINE_S}s, SIGKILL: ${left[*]}"
      for p in "${left[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
      break
    fi
    sleep 0.5
  done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
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

# ---- ports ----
port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
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

# seed SYSTEM NODE...: POST /incr/<k> once for every k of 1..KEYS (key k to node k mod 3, curl with 21
# transfers at a time), so every counter exists before the warm-up, as the live workers of Ringleader's
# write benchmark do: a Hazelcast entry, a Pekko entity (and its shard) per counter.
seed() {
  local system=$1; shift
  local nodes=("$@") cfg="$LOGS/$system-seed.curl" k ok
  : >"$cfg"
  for ((k = 1; k <= KEYS; k++)); do
    printf 'url = "http://127.0.0.1:%s/incr/%d"\noutput = "/dev/null"\n' "${nodes[$((k % 3))]}" "$k" >>"$cfg"
  done
  ok="$(timeout "$SEED_DEADLINE_S" curl -s -X POST --parallel --parallel-max 21 -m 10 -w '%{http_code}\n' -K "$cfg" 2>/dev/null | grep -c '^200$' || true)"
  SEEDED="$ok"
  [ "$ok" -eq "$KEYS" ] || log "$system: seeding answered 200 to $ok of $KEYS counters (the warm-up touches the rest)"
}

# ---- one system ----
ROWS=()
NOTES=()
SEEDED=0

run_system() {
  local system=$1 jar opts first label
  case "$system" in
    hazelcast) jar="$HERE/hazelcast/target/peers-hazelcast.jar"; opts="$HEAP $HZ_OPENS"; first=19100
               label="Hazelcast 5.7.0 IMap (backup-count 1, sync) + EntryProcessor, Undertow 2.4.4.Final" ;;
    pekko)     jar="$HERE/pekko/target/peers-pekko.jar"; opts="$HEAP"; first=19150
               label="Pekko 1.7.0 Cluster Sharding typed (no persistence, no replication), pekko-http 1.3.0" ;;
    *) echo "run.sh: unknown system $system (hazelcast, pekko)" >&2; exit 2 ;;
  esac
  local ports http=() cluster=()
  ports=($(free_ports "$first" 6))
  [ ${#ports[@]} -eq 6 ] || exit 1
  http=("${ports[@]:0:3}")
  cluster=("${ports[@]:3:3}")
  local members
  members="$(IFS=,; echo "${cluster[*]}")"
  wait_quiet
  log "$system: starting 3 nodes, HTTP ${http[*]}, cluster ${cluster[*]}"
  local i
  for i in 0 1 2; do
    # shellcheck disable=SC2086
    java $opts -jar "$jar" "${http[$i]}" "${cluster[$i]}" "$members" >"$LOGS/$system-node$((i + 1)).log" 2>&1 &
    PIDS+=($!)
  done

  # Ready: every node answers GET /ready with 200 (Hazelcast: 3 members and cluster safe; Pekko: 3 Up).
  local deadline=$((SECONDS + READY_DEADLINE_S)) ok
  while :; do
    ok=0
    for i in 0 1 2; do
      alive "${PIDS[$i]}" || { log "$system node$((i + 1)) died:"; tail -20 "$LOGS/$system-node$((i + 1)).log" >&2; exit 1; }
      curl -sf -m 2 "http://127.0.0.1:${http[$i]}/ready" >/dev/null 2>&1 && ok=$((ok + 1))
    done
    [ $ok -eq 3 ] && break
    [ $SECONDS -lt $deadline ] || { log "$system: not ready after ${READY_DEADLINE_S}s (logs in $LOGS)"; exit 1; }
    sleep 0.5
  done
  # One counter through all three fronts: it must read 1, 2, 3 (the nodes share it). The first
  # increment may wait for a shard or partition to be placed: retry it until the deadline.
  local probe="probe-$system-$$" got expect
  for i in 0 1 2; do
    expect=$((i + 1))
    while :; do
      got="$(curl -sf -m 10 -X POST "http://127.0.0.1:${http[$i]}/incr/$probe" 2>/dev/null || true)"
      [ -n "$got" ] && break
      [ $SECONDS -lt $deadline ] || { log "$system: POST /incr on node$((i + 1)) does not answer"; exit 1; }
      sleep 0.5
    done
    [ "$got" = "$expect" ] || { log "$system: node$((i + 1)) answered $got for the shared probe counter, expected $expect"; exit 1; }
  done
  log "$system: 3 nodes ready, one counter through all three fronts reads 1,2,3"

  local nodes url
  nodes="$(for i in 0 1 2; do printf '127.0.0.1:%s,' "${http[$i]}"; done)"
  nodes="${nodes%,}"
  url="http://127.0.0.1:${http[0]}"
  local wrk_args=(-t"$WRK_THREADS" -c"$WRK_CONNECTIONS" --timeout "$WRK_TIMEOUT" --latency -s "$HERE/incr.lua")

  log "$system: seeding: every one of the $KEYS counters +1 once"
  seed "$system" "${http[@]}"

  log "$system: warm-up ${WARMUP_S}s"
  PEERS_NODES="$nodes" wrk "${wrk_args[@]}" -d"${WARMUP_S}s" "$url" -- "$KEYS" >"$LOGS/$system-warmup.txt" 2>&1

  log "$system: measured ${MEASURE_S}s"
  local before after m0 m1 w0 w1 t0 t1
  t0="$(thread_ticks "${PIDS[@]}")"
  before=($(cpu_ticks "${PIDS[@]}"))
  m0=($(machine_ticks))
  w0=$(child_ticks)
  PEERS_NODES="$nodes" wrk "${wrk_args[@]}" -d"${MEASURE_S}s" "$url" -- "$KEYS" >"$LOGS/$system-measured.txt" 2>&1
  w1=$(child_ticks)
  m1=($(machine_ticks))
  after=($(cpu_ticks "${PIDS[@]}"))
  t1="$(thread_ticks "${PIDS[@]}")"
  # JIT and GC threads' ticks over the window: per thread id, after minus before (0 if new).
  local jit gc
  read -r jit gc < <(awk 'NR == FNR { b[$1] = $3; next } { d = $3 - ($1 in b ? b[$1] : 0); s[$2] += d }
      END { printf "%d %d\n", s["jit"], s["gc"] }' <(echo "$t0") <(echo "$t1"))

  local result
  result="$(grep '^RESULT ' "$LOGS/$system-measured.txt" | tail -1)"
  [ -n "$result" ] || { log "$system: wrk printed no RESULT line:"; cat "$LOGS/$system-measured.txt" >&2; exit 1; }
  local ticks=0 split=""
  for i in 0 1 2; do
    ticks=$((ticks + after[i] - before[i]))
    split="$split node$((i + 1)) $(( (after[i] - before[i]) * 1000 / CLK_TCK )) ms,"
  done
  # RESULT <requests> <duration_us> <connect> <read> <write> <status> <timeout> <p50> <p99> <p99.9> <max>
  local row note
  row="$(awk -v sys="$system" -v ticks="$ticks" -v hz="$CLK_TCK" '{
      req = $2; dur = $3 / 1e6
      printf "| %s | %.0f | %.1f | %.3f |", sys, req / dur, $10 / 1000, (req > 0 ? ticks * 1000 / hz / req : 0)
    }' <<<"$result")"
  # The machine over the window, in % of all its CPUs: the 3 servers, wrk, everything else, steal.
  local total=$((m1[2] - m0[2])) busy=$((m1[0] - m0[0])) steal=$((m1[1] - m0[1])) wrk_t=$((w1 - w0))
  note="$(awk -v sys="$system" -v label="$label" -v bynode="${split%,}" -v total="$total" -v busy="$busy" \
      -v steal="$steal" -v srv="$ticks" -v wrk="$wrk_t" -v cores="$(nproc)" -v seeded="$SEEDED" -v keys="$KEYS" -v jit="$jit" -v gc="$gc" '{
      t = total > 0 ? total : 1; other = busy - srv - wrk; if (other < 0) other = 0
      printf "- %s: %s. %d requests in %.1f s; p50 %.1f ms, p99.9 %.1f ms, max %.1f ms; errors: %d non-2xx, %d connect, %d read, %d write, %d timeout; seeding: %d of %d counters answered 200. Server CPU by node:%s; of all server CPU, JIT compiler threads at least %.0f%%, GC threads %.0f%%. The %d cores over the window: servers %.0f%%, wrk %.0f%%, other processes %.0f%%, steal %.0f%%, idle %.0f%%.",
        sys, label, $2, $3 / 1e6, $9 / 1000, $11 / 1000, $12 / 1000, $7, $4, $5, $6, $8, seeded, keys, bynode, 100 * jit / (srv > 0 ? srv : 1), 100 * gc / (srv > 0 ? srv : 1), cores,
        100 * srv / t, 100 * wrk / t, 100 * other / t, 100 * steal / t, 100 * (t - busy - steal) / t
    }' <<<"$result")"
  ROWS+=("$row")
  NOTES+=("$note")
  log "$system: $row"
  stop_nodes
}

IFS=, read -r -a SYSTEMS <<<"$ONLY"
for s in "${SYSTEMS[@]}"; do run_system "$s"; done

{
  echo "## Peers benchmark: 10,000 counters, +1 per request"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, warm-up ${WARMUP_S} s, measured ${MEASURE_S} s;" \
    "wrk -t${WRK_THREADS} -c${WRK_CONNECTIONS} (one thread and $((WRK_CONNECTIONS / WRK_THREADS)) connections per node) --timeout ${WRK_TIMEOUT};" \
    "3 JVMs per system on 127.0.0.1, ${HEAP}; server CPU = utime+stime of the 3 JVMs over the measured window / requests (CLK_TCK ${CLK_TCK})."
  echo
  echo "| system | req/s | p99 ms | server CPU ms/request |"
  echo "| --- | ---: | ---: | ---: |"
  printf '%s\n' "${ROWS[@]}"
  echo
  printf '%s\n' "${NOTES[@]}"
} | tee "$TARGET/peers.md"
