# Shared by the benchmarks (sourced, not run). For all of them: the Debian packages a run needs,
# installed when missing (bench_install). For bench/throughput.sh and bench/connect-storm.sh: what
# each creates is recorded and only that is removed, also on failure; a watchdog stops the run after
# MAX_RUNTIME s; the wait for a quiet machine; the broker home, on the launcher or on a private copy
# of its jar. The sourcing script defines log and die first (and, for bench_start, sets MAX_RUNTIME,
# QUIET_WAIT and PIN_JAR).

# bench_install PKG...: installs the given Debian packages (nothing when none is given)
bench_install() {
  (($#)) || return 0
  log "installing $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y "$@" >&2 || { apt-get update >&2 && apt-get install -y "$@" >&2; }
}

# bench_start NAME: a work directory $W, cleanup on exit, the watchdog
bench_start() {
  tag=v6bb-$$
  W=$(mktemp -d "${TMPDIR:-/tmp}/v6bb-$1.XXXXXX")
  owned_ns=()        # namespaces this script created
  pids=()            # "pid:comm" of long-running processes this script started
  watchdog=
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'log "TERM received (the MAX_RUNTIME=$MAX_RUNTIME s watchdog, or from outside): stopping"; exit 143' TERM
  # watchdog: TERM to this script after MAX_RUNTIME s; its own sleep dies with it
  ( trap 'kill -TERM $s 2>/dev/null; exit 0' TERM; sleep "$MAX_RUNTIME" & s=$!; wait $s; kill -TERM $$ 2>/dev/null ) &
  watchdog=$!
}

# pid_is PID COMM: PID is still the process we started (read with a builtin: no fork per pid)
pid_is() { local c; read -r c 2>/dev/null <"/proc/$1/comm" && [ "$c" = "$2" ]; }
stop_pids() { # TERM every tracked pid that is still the process we started, wait up to 5 s, then KILL
  local e i alive
  for e in "${pids[@]}"; do pid_is "${e%%:*}" "${e#*:}" && kill -TERM "${e%%:*}" 2>/dev/null || true; done
  for i in $(seq 50); do
    alive=0
    for e in "${pids[@]}"; do pid_is "${e%%:*}" "${e#*:}" && { alive=1; break; }; done
    ((alive)) || break
    sleep 0.1
  done
  for e in "${pids[@]}"; do pid_is "${e%%:*}" "${e#*:}" && kill -KILL "${e%%:*}" 2>/dev/null || true; done
  for e in "${pids[@]}"; do wait "${e%%:*}" 2>/dev/null || true; done
  pids=()
}
bench_cleanup() {
  local rc=$? ns
  trap - EXIT INT TERM
  [ -n "$watchdog" ] && { kill -TERM "$watchdog" 2>/dev/null || true; wait "$watchdog" 2>/dev/null || true; }
  stop_pids
  wait 2>/dev/null || true  # in-flight background work (connect-storm's pings, each bounded by -w2)
  for ns in "${owned_ns[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "kept $W (logs, profiles: throwaway keys)"; else rm -rf "$W"; fi
  ((rc == 0)) || log "exit status $rc (namespaces and processes removed)"
  exit "$rc"
}

start_bg() { # comm cmd...  -> starts cmd in background, tracks it; pid in $bg_pid
  local comm=$1; shift
  "$@" >/dev/null 2>&1 &
  bg_pid=$!
  pids+=("$bg_pid:$comm")
}
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
ns_create() {
  local ns=$1
  [ -e "/var/run/netns/$ns" ] && die "netns $ns exists already and is not ours"
  ip netns add "$ns"
  owned_ns+=("$ns")
  ip -n "$ns" link set lo up
}
wait_log() { # file pattern seconds
  local i
  for i in $(seq $(($3 * 10))); do grep -qF "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}

busy() { awk -v c="$(nproc)" '{ exit !($1 > 0.3 * c) }' /proc/loadavg; }
# CPU ticks used so far by other people's heavy processes (builds, test JVMs); read-only, never touched
foreign_ticks() { awk '$2 ~ /^\((java|javac|mvn|gcc|cc1|cc1plus|node|make|ld|as)\)$/ { s += $14 + $15 } END { print s + 0 }' \
  /proc/[0-9]*/stat 2>/dev/null || true; }
foreign() { # heavy processes of others (build/test JVMs) that skew the figures
  local f c out=""
  for f in /proc/[0-9]*/comm; do
    read -r c <"$f" 2>/dev/null || continue
    case $c in java|mvn|javac) out+="$c ";; esac
  done
  echo "${out:-none}"
}

# quiet_wait RESERVE: waits up to QUIET_WAIT s (less RESERVE s of MAX_RUNTIME kept for the run) for
# the load to fall; sets load_start and foreign_start
quiet_wait() {
  local quiet_max=$((MAX_RUNTIME - $1)) waited=0
  ((quiet_max < QUIET_WAIT)) || quiet_max=$QUIET_WAIT
  while busy && ((waited < quiet_max)); do
    log "load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs: waiting for the machine to go quiet"
    sleep 10; waited=$((waited + 10))
  done
  load_start=$(cut -d' ' -f1-3 /proc/loadavg)
  foreign_start=$(foreign)
}

# broker_home: $home made by `init`; v6b runs the broker (the launcher, or a pinned copy of its jar)
# and $jar_id says which
broker_home() {
  home=$W/home
  log "v6broker init (the launcher builds the jar if needed)"
  launcher_note=""
  if ! timeout 300 ./v6broker init --home "$home" --prefix 2001:db8:abba::/48 --endpoint 198.51.100.1:1194 >/dev/null; then
    # others edit the tree: a half-edited src/main fails the launcher's rebuild. The last good jar will do.
    [ -f target/v6broker.jar ] || die "./v6broker init failed and there is no target/v6broker.jar"
    [ "$PIN_JAR" = 1 ] || die "./v6broker init failed (the launcher could not build?); PIN_JAR=1 would use the last jar"
    log "./v6broker init failed (rebuild of a tree being edited?): using the existing target/v6broker.jar"
    launcher_note=" (launcher rebuild FAILED: the last jar built)"
    rm -rf "$home"
    cp -p target/v6broker.jar "$W/v6broker.jar"
    timeout 120 java -jar "$W/v6broker.jar" init --home "$home" --prefix 2001:db8:abba::/48 \
      --endpoint 198.51.100.1:1194 >/dev/null || die "init with the existing jar failed too"
  fi
  if [ "$PIN_JAR" = 1 ]; then
    # a private copy: someone editing src/main mid-run must not make the launcher rebuild under us
    [ -f "$W/v6broker.jar" ] || cp -p target/v6broker.jar "$W/v6broker.jar"
    # the launcher's class-data-sharing archive only fits the jar at its own path: make one for the copy
    # (as the launcher does); sqlite-jdbc unpacks its native library into our own directory, not /tmp
    mkdir -p "$W/tmp"
    jflags=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dorg.sqlite.tmpdir="$W/tmp")
    if timeout 120 java -XX:ArchiveClassesAtExit="$W/v6broker.jsa" -Dorg.sqlite.tmpdir="$W/tmp" -cp "$W/v6broker.jar" \
         net.v6broker.cli.Training "$W/train-home" >/dev/null 2>&1 && [ -s "$W/v6broker.jsa" ]; then
      jflags+=(-XX:SharedArchiveFile="$W/v6broker.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
    fi
    rm -rf "$W/train-home"
    v6b() { timeout 120 java "${jflags[@]}" -jar "$W/v6broker.jar" "$@"; }
    jar_id="copy of target/v6broker.jar$launcher_note, sha256 $(sha256sum "$W/v6broker.jar" | cut -c1-16), built $(date -u -r "$W/v6broker.jar" '+%F %T UTC')"
  else
    v6b() { timeout 300 ./v6broker "$@"; }
    jar_id="./v6broker launcher"
  fi
}

# publish_report: the report on stdout and in bench/results
publish_report() {
  cat "$report"
  mkdir -p "$results"
  cp "$report" "$out"
  log "wrote $out"
}
