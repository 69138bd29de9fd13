#!/usr/bin/env bash
# Scale benchmark (issue 17): homes of 1,000, 10,000 and 100,000 clients, and what every everyday
# operation costs in each: single CLI commands (one process each, JVM start included), `client list`,
# `serve --no-openvpn` start-up and its memory, the HTTP API and the operator web UI. Two builds side
# by side in one run, measured alternately: "ours" (this checkout, or OURS=DIR) and, with PEER=DIR,
# another checkout (a git worktree of an older commit, say). See bench/README.md.
#
#   bench/scale.sh                               # SIZES="1000 10000 100000"; ours only
#   PEER=/tmp/old bench/scale.sh                 # ours against the checkout in /tmp/old
#   QUICK=1 PEER=/tmp/old bench/scale.sh         # SIZES="1000 10000" R=3: a few minutes
#   PG=1 PEER=/tmp/old bench/scale.sh            # the largest home also on PostgreSQL (as root)
#
# Purely local: HTTP on 127.0.0.1 only, PostgreSQL (PG=1) on 127.0.0.1 only, documentation prefixes
# only (2001:db8:100::/40). Everything lives in one mktemp -d directory, removed on exit; the daemons
# and the PostgreSQL server this script starts are stopped by their pid (a daemon with its whole
# process group), also on failure. The run stops by itself after MAX_RUNTIME seconds.
# Table on stdout and in bench/results/scale-<date>.txt; progress on stderr.
set -euo pipefail

if [ "${QUICK:-0}" = 1 ]; then
  : "${SIZES:=1000 10000}" "${R:=3}" "${LIST_R:=1}" "${API_R:=10}" "${MAX_RUNTIME:=1500}"
fi
SIZES=${SIZES:-1000 10000 100000} # clients per home (each >= 1000); odd ones hermit, even ones subnet
R=${R:-7}                         # runs of each single CLI command per version and size (median)
LIST_R=${LIST_R:-3}               # runs of `client list --json` per version and size (median)
API_R=${API_R:-20}                # requests per API call and web page per version and size (median)
SERVE_RUNS=${SERVE_RUNS:-2}       # `serve` starts per version and size: the first, then restarts
SERVE_TIMEOUT=${SERVE_TIMEOUT:-900} # seconds for one `serve` to answer health and be reconciled
OURS=${OURS:-}                    # the checkout measured as "ours" (default: this script's own)
PEER=${PEER:-}                    # the checkout measured as "peer" (empty: ours alone)
PG=${PG:-0}                       # 1: also a PostgreSQL home (of the largest size, or PG_SIZES)
PG_SIZES=${PG_SIZES:-}            # sizes also measured on PostgreSQL (implies PG=1)
THREADS=${THREADS:-$(nproc)}      # `client import --threads`
PIN_JAR=${PIN_JAR:-1}             # 1: run a private copy of each version's launcher and jar
STALE_OK=${STALE_OK:-0}           # 1: when a launcher's rebuild fails, measure its last built jar
MAX_RUNTIME=${MAX_RUNTIME:-5400}  # watchdog for the whole run, QUIET_WAIT included
QUIET_WAIT=${QUIET_WAIT:-0}       # wait up to this many seconds for the 1-min load to fall below 0.3/CPU

# The issue's targets, at the largest size
T_GROWTH=1.1    # a single-client CLI command: at most this times its time at the smallest size
T_HTTP_MS=50    # API show, page, deep page, search and the dashboard: median at most this
T_HEALTH_S=5    # serve: health answers 200 within this
T_RECON_S=15    # serve: the server directory reconciled within this
T_RSS_MB=300    # serve: the daemon's VmRSS after the HTTP measurements

die() { printf 'scale: %s\n' "$*" >&2; exit 1; }
log() { printf '[scale %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
for v in R LIST_R API_R SERVE_RUNS SERVE_TIMEOUT THREADS MAX_RUNTIME; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'"
done
[[ $QUIET_WAIT =~ ^[0-9]+$ ]] || die "QUIET_WAIT must be a number of seconds, got '$QUIET_WAIT'"
((R <= 80 && API_R <= 300)) || die "R must be at most 80 and API_R at most 300 (they use distinct existing clients)"
read -r -a sizes <<<"$(tr ' ' '\n' <<<"$SIZES" | grep . | sort -n -u | tr '\n' ' ')"
((${#sizes[@]})) || die "SIZES is empty"
for s in "${sizes[@]}"; do
  [[ $s =~ ^[1-9][0-9]*$ ]] && ((s >= 1000 && s <= 9999999)) || die "each size must be 1000..9999999, got '$s'"
done
small=${sizes[0]} large=${sizes[-1]}
[ -n "$PG_SIZES" ] && PG=1
[ "$PG" = 1 ] && [ -z "$PG_SIZES" ] && PG_SIZES=$large
read -r -a pg_sizes <<<"$(tr ' ' '\n' <<<"$PG_SIZES" | grep . | sort -n -u | tr '\n' ' ')"
for s in "${pg_sizes[@]}"; do
  [[ " ${sizes[*]} " == *" $s "* ]] || die "PG_SIZES: $s is not one of SIZES ($SIZES)"
done

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
. "$root/bench/lib.sh"
results=$root/bench/results
stamp=$(date +%Y-%m-%d-%H%M%S)
out=$results/scale-$stamp.txt

# ---- tools ---------------------------------------------------------------------------------------
need_pkgs=()
[ -x /usr/bin/time ] || need_pkgs+=(time)
command -v curl >/dev/null || need_pkgs+=(curl)
command -v jq >/dev/null || need_pkgs+=(jq)
command -v ss >/dev/null || need_pkgs+=(iproute2)
command -v setsid >/dev/null || need_pkgs+=(util-linux)
if ((${#pg_sizes[@]})); then
  [ "$(id -u)" = 0 ] || die "PG=1 needs root (the PostgreSQL server runs as the postgres user)"
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need_pkgs+=(postgresql)
fi
if ((${#need_pkgs[@]})); then
  [ "$(id -u)" = 0 ] || die "missing packages (${need_pkgs[*]}); run as root to install them, or install them"
  bench_install "${need_pkgs[@]}"
fi
command -v java >/dev/null || die "java not found"

# ---- work directory, cleanup, watchdog: bench/lib.sh; plus the daemons and PostgreSQL ------------
bench_start scale
serve_groups=()   # pids of the `serve` processes started, each the leader of its own process group
pg_pid=
set_rc() { return "$1"; }
scale_cleanup() {
  local rc=$?
  set +e
  stop_all_serves
  pg_stop
  set_rc "$rc"
  bench_cleanup
}
trap scale_cleanup EXIT

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }
name_of() { printf 'cl%07d' "$1"; }  # the client with id N in every home

# A port on 127.0.0.1 that nothing listens on (below the ephemeral range, so no client socket holds it)
free_port() {
  local p i
  for i in $(seq 100); do
    p=$((20000 + RANDOM % 12000))
    [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ] && { echo "$p"; return 0; }
  done
  die "no free TCP port found in 20000..31999"
}

# ---- versions: ours and the peer, each from its own launcher -------------------------------------
# PIN_JAR=1: a private copy of the checkout's launcher and jar in $W/ver/NAME (an empty src/main
# older than the jar, so that copy never rebuilds; its class-data archive made by its own launcher,
# as on first use). Nobody's edit in a checkout halfway through the run makes a launcher rebuild
# under the timed commands.
ours_dir=$(cd "${OURS:-$root}" && pwd)
vers=(ours)
declare -A vdir vlauncher vdesc vstatus_name vhealth_field
vdir[ours]=$ours_dir
if [ -n "$PEER" ]; then
  vers+=(peer)
  vdir[peer]=$(cd "$PEER" && pwd)
fi
builder=${vers[-1]}   # builds every home: the older version (the peer, when given) can't open a newer one
prepare_version() { # NAME
  local v=$1 dir=${vdir[$1]} note="" snap
  [ -x "$dir/v6broker" ] || die "$v: $dir/v6broker is not an executable launcher"
  log "$v: $dir: building the jar if needed (its launcher, ./v6broker --version)"
  if ! (cd "$dir" && timeout 900 ./v6broker --version) >"$W/build-$v.log" 2>&1; then
    if [ "$STALE_OK" = 1 ] && [ -f "$dir/target/v6broker.jar" ]; then
      log "$v: the launcher's build failed (tree being edited?); STALE_OK=1: measuring its last built jar"
      note=" (launcher rebuild FAILED: the last jar built)"
      ((PIN_JAR)) || die "$v: STALE_OK=1 needs PIN_JAR=1"
    else
      tail -20 "$W/build-$v.log" >&2
      die "$v: $dir/v6broker failed (a tree being edited does not build?): OURS=DIR measures another checkout, STALE_OK=1 its last jar"
    fi
  fi
  if [ "$PIN_JAR" = 1 ]; then
    snap=$W/ver/$v
    mkdir -p "$snap/target" "$snap/src/main"
    cp -p "$dir/v6broker" "$snap/v6broker"
    cp -p "$dir/target/v6broker.jar" "$snap/target/v6broker.jar"
    touch -d '2000-01-01' "$snap/pom.xml" "$snap/src/main" "$snap/src"
    (cd "$snap" && timeout 300 ./v6broker --version) >>"$W/build-$v.log" 2>&1 \
      || { tail -20 "$W/build-$v.log" >&2; die "$v: the pinned copy of the launcher does not run"; }
    [ -f "$snap/target/v6broker.jsa" ] || log "warning: $v: no class-data archive for the pinned jar (start-up slower)"
    vlauncher[$v]=$snap/v6broker
  else
    vlauncher[$v]=$dir/v6broker
  fi
  local git=""
  if git -C "$dir" rev-parse --git-dir >/dev/null 2>&1; then
    git="$(git -C "$dir" describe --always --dirty 2>/dev/null), $(git -C "$dir" status --porcelain 2>/dev/null | wc -l) path(s) changed or untracked; "
  fi
  ((PIN_JAR)) && note+=", run from a pinned copy"
  vdesc[$v]="$dir: ${git}jar sha256 $(sha256sum "$dir/target/v6broker.jar" | cut -c1-16)$note"
  # `status NAME` (one client) where the version has it
  if "${vlauncher[$v]}" status --help 2>/dev/null | grep -qw NAME; then vstatus_name[$v]=1; else vstatus_name[$v]=0; fi
  vhealth_field[$v]="not seen"
}
# v6 NAME ARGS...: the version's launcher, bounded (a watchdog's TERM waits for the foreground command)
v6() { local v=$1; shift; timeout "${V6_TIMEOUT:-600}" "${vlauncher[$v]}" "$@"; }

quiet_wait 600
# CPU ticks of the whole machine, and of this script with its waited-for children: the difference
# over the run is what other processes took from it (PostgreSQL's server, not a child, counts there)
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }
own_ticks() { sed 's/.*) //' "/proc/$$/stat" | awk '{ print $12 + $13 + $14 + $15 }'; }
machine0=$(machine_ticks) own0=$(own_ticks) wall0=$(now)
for v in "${vers[@]}"; do prepare_version "$v"; done

# ---- samples -------------------------------------------------------------------------------------
declare -A S   # "op|version|column" -> samples (seconds, or KiB for memory), space-separated
add_sample() { S["$1|$2|$3"]+="$4 "; }
med() { # median of the arguments, or nothing
  printf '%s\n' "$@" | grep . | sort -g | awk '{ v[NR] = $1 } END { if (!NR) exit;
    printf "%.6f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# timed_cli VERSION OP COLUMN ARGS...: one process, JVM start included, its output discarded
timed_cli() {
  local v=$1 op=$2 col=$3 s e; shift 3
  s=$(now)
  if ! v6 "$v" "$@" >"$W/cmd.out" 2>"$W/cmd.err"; then
    cat "$W/cmd.out" "$W/cmd.err" >&2
    die "$v: failed: v6broker $*"
  fi
  e=$(now)
  grep -q 'v6broker: building' "$W/cmd.err" \
    && die "$v: the launcher rebuilt the jar during a timed command (sources changed); PIN_JAR=1 avoids that"
  add_sample "$op" "$v" "$col" "$(elapsed "$s" "$e")"
}

# ---- homes ---------------------------------------------------------------------------------------
declare -A token build_note
H() { echo "$W/homes/$2/$1"; }  # H VERSION COLUMN: that version's own copy of the column's home

csv_of() { # N FILE: clients 1..N, odd hermit (linux), even subnet (windows, with an e-mail)
  awk -v n="$1" 'BEGIN { print "name,type,os,email"
    for (i = 1; i <= n; i++) { c = sprintf("cl%07d", i)
      if (i % 2) print c ",hermit,linux,"; else print c ",subnet,windows," c "@example.net" } }' >"$2"
}

# build_home SIZE: one home made by the builder version (init, import, an operator token), copied
# for every version before any of them runs a command on it (a newer version may migrate the schema
# at its first command); a copy for PostgreSQL too when SIZE is in PG_SIZES
build_home() {
  local n=$1 base=$W/homes/base s e line
  rm -rf "$base"
  mkdir -p "$W/homes/$n"
  csv_of "$n" "$W/clients.csv"
  log "size $n: init and client import by $builder (--threads $THREADS)"
  v6 "$builder" init --home "$base" --prefix 2001:db8:100::/40 --endpoint vpn.example.net >"$W/init.out" 2>&1 \
    || { cat "$W/init.out" >&2; die "init failed"; }
  s=$(now)
  V6_TIMEOUT=3600 v6 "$builder" client import "$W/clients.csv" --home "$base" --threads "$THREADS" >"$W/import.out" 2>&1 \
    || { tail -20 "$W/import.out" >&2; die "client import of $n failed"; }
  e=$(now)
  line=$(grep -m1 '^imported ' "$W/import.out" || true)
  [[ $line =~ ^imported\ ([0-9]+)\ clients ]] && [ "${BASH_REMATCH[1]}" = "$n" ] \
    || die "import of $n: unexpected output: $(tail -3 "$W/import.out")"
  build_note[$n]="import by $builder: $(printf '%.1f' "$(elapsed "$s" "$e")") s wall ($line)"
  v6 "$builder" token create bench --home "$base" >"$W/token.out" 2>&1 || { cat "$W/token.out" >&2; die "token create failed"; }
  token[$n]=$(tail -1 "$W/token.out")
  [[ ${token[$n]} =~ ^[A-Za-z0-9_-]{20,}$ ]] || die "token create: unexpected output: $(cat "$W/token.out")"
  if [[ " ${pg_sizes[*]} " == *" $n "* ]]; then
    cp -a "$base" "$W/homes/pgbase-$n"
    token[${n}pg]=${token[$n]}
  fi
  for v in "${vers[@]}"; do
    [ "$v" = "$builder" ] || cp -a "$base" "$(H "$v" "$n")"
  done
  mv "$base" "$(H "$builder" "$n")"
}

# ---- PostgreSQL (PG=1): a private cluster in $W/pg, on 127.0.0.1, as the postgres user ------------
# As src/test/java/net/v6broker/store/PostgresServer.java does for the tests, with PostgreSQL's own
# durability settings (fsync on): one cluster, one database per version and size.
pg_port= pg_bin= pg_dir=
pg_start() {
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  pg_dir=$W/pg
  chmod 711 "$W"   # the postgres user must reach $W/pg (nothing in $W can be listed by others)
  mkdir -p "$pg_dir"
  chown postgres:postgres "$pg_dir"
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$W/pg-password"
  chmod 600 "$W/pg-password"
  install -o postgres -m 600 "$W/pg-password" "$pg_dir/pw"
  log "PostgreSQL: initdb ($pg_bin)"
  runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --pwfile "$pg_dir/pw" --no-sync -E UTF8 >"$W/pg-initdb.log" 2>&1 || { cat "$W/pg-initdb.log" >&2; die "initdb failed"; }
  pg_port=$(free_port)
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir" start >"$W/pg-start.log" 2>&1 \
    || { cat "$W/pg-start.log" "$pg_dir/server.log" >&2; die "PostgreSQL did not start"; }
  pg_pid=$(head -1 "$pg_dir/data/postmaster.pid")
  [ "$(cat "/proc/$pg_pid/comm" 2>/dev/null)" = postgres ] || die "PostgreSQL: pid $pg_pid is not postgres"
  pg_sql "CREATE ROLE v6broker LOGIN PASSWORD '$(cat "$W/pg-password")'" >/dev/null
  log "PostgreSQL: running on 127.0.0.1:$pg_port (pid $pg_pid)"
}
pg_sql() { runuser -u postgres -- "$pg_bin/psql" -h "$pg_dir" -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 -At -c "$1"; }
pg_stop() { # fast shutdown by the postmaster's pid (SIGINT), then immediate (SIGQUIT)
  local i
  [ -n "$pg_pid" ] || return 0
  if [ "$(cat "/proc/$pg_pid/comm" 2>/dev/null)" = postgres ]; then
    kill -INT "$pg_pid" 2>/dev/null || true
    for i in $(seq 100); do [ "$(cat "/proc/$pg_pid/comm" 2>/dev/null)" = postgres ] || break; sleep 0.1; done
    if [ "$(cat "/proc/$pg_pid/comm" 2>/dev/null)" = postgres ]; then
      kill -QUIT "$pg_pid" 2>/dev/null || true
      for i in $(seq 50); do [ "$(cat "/proc/$pg_pid/comm" 2>/dev/null)" = postgres ] || break; sleep 0.1; done
    fi
  fi
  pg_pid=
}
# build_pg_home SIZE: the size's SQLite home (copied before any command) moved to PostgreSQL by the
# builder (`db migrate-to postgres`), then the database copied for each other version (CREATE
# DATABASE ... TEMPLATE) and its home copy pointed at it
build_pg_home() {
  local n=$1 col=${1}pg base=$W/homes/pgbase-$1 s e url
  [ -n "$pg_pid" ] || pg_start
  mkdir -p "$W/homes/$col"
  pg_sql "CREATE DATABASE v6b_${col}_$builder OWNER v6broker" >/dev/null
  log "size $n on PostgreSQL: db migrate-to postgres by $builder"
  s=$(now)
  V6_TIMEOUT=3600 v6 "$builder" db migrate-to postgres --url "jdbc:postgresql://127.0.0.1:$pg_port/v6b_${col}_$builder" \
    --user v6broker --password-file "$W/pg-password" --home "$base" >"$W/migrate.out" 2>&1 \
    || { tail -20 "$W/migrate.out" >&2; die "db migrate-to postgres failed"; }
  e=$(now)
  build_note[$col]="SQLite home of $n migrated by $builder: $(printf '%.1f' "$(elapsed "$s" "$e")") s; PostgreSQL $("$pg_bin/postgres" --version | awk '{ print $3 }') on 127.0.0.1, fsync on"
  rm -f "$base/broker.db" "$base/broker.db-wal" "$base/broker.db-shm"  # the backup migrate-to keeps
  # Every version's copy starts vacuumed and analysed. A copy made by TEMPLATE right after the load
  # has no visibility map and no statistics, and (its activity counters empty) autovacuum never comes:
  # its planner then reads the 100,000 certificates where an index would do (a revoke 132 ms, against
  # 20 ms on the builder's own database, which autovacuum had reached).
  runuser -u postgres -- "$pg_bin/psql" -h "$pg_dir" -p "$pg_port" -U postgres -d "v6b_${col}_$builder" -v ON_ERROR_STOP=1 \
    -qAt -c "VACUUM (ANALYZE)" >/dev/null
  for v in "${vers[@]}"; do
    [ "$v" = "$builder" ] && continue
    pg_sql "CREATE DATABASE v6b_${col}_$v TEMPLATE v6b_${col}_$builder OWNER v6broker" >/dev/null
    cp -a "$base" "$(H "$v" "$col")"
    url="jdbc:postgresql://127.0.0.1:$pg_port/v6b_${col}_$v"
    jq --arg u "$url" '.database.url = $u' "$base/config.json" >"$W/config.json"
    cat "$W/config.json" >"$(H "$v" "$col")/config.json"
  done
  mv "$base" "$(H "$builder" "$col")"
}

# ---- serve ---------------------------------------------------------------------------------------
declare -A serve_pid serve_port
stop_group() { # PID: TERM to its process group (it leads one), up to 15 s, then KILL
  local p=$1 i
  [ -e "/proc/$p" ] || { wait "$p" 2>/dev/null || true; return 0; }
  [ "$(ps -o pgid= -p "$p" 2>/dev/null | tr -d ' ')" = "$p" ] || { log "warning: pid $p no longer leads its group; not signalled"; return 0; }
  kill -TERM -- "-$p" 2>/dev/null || true
  for i in $(seq 150); do [ -e "/proc/$p" ] || break; sleep 0.1; done
  [ -e "/proc/$p" ] && { log "warning: serve $p did not stop in 15 s; KILL"; kill -KILL -- "-$p" 2>/dev/null || true; }
  wait "$p" 2>/dev/null || true
}
stop_serve() { # PID: stopped, and forgotten
  local p=$1 q keep=()
  stop_group "$p"
  for q in "${serve_groups[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
  serve_groups=("${keep[@]}")
}
stop_all_serves() {
  local p
  for p in "${serve_groups[@]}"; do stop_group "$p"; done
  serve_groups=()
}

# start_serve VERSION COLUMN RUN: starts `serve --no-openvpn` in its own process group (setsid; the
# launcher execs java, so the pid is the JVM's), then polls GET /api/v1/health (every ~20 ms at first,
# more slowly after 5 and 30 s): the time
# of the first 200, and of the first answer with "reconciled": true (a version whose health has no
# "reconciled" field reconciles before it listens: then the first 200 is both). Beyond SERVE_TIMEOUT
# the daemon is stopped, the missing times are recorded as $NEVER (printed ">SERVE_TIMEOUT") and
# the function returns 1: that version is not started again on this column.
NEVER=1000000000
start_serve() {
  local v=$1 col=$2 run=$3 port s t code health= rec= lg pause
  port=$(free_port)
  lg=$W/serve-$v-$col-$run.log
  s=$(now)
  setsid "${vlauncher[$v]}" serve --home "$(H "$v" "$col")" --no-openvpn --http "127.0.0.1:$port" >"$lg" 2>&1 &
  local p=$!
  serve_groups+=("$p")
  serve_pid[$v]=$p serve_port[$v]=$port
  while :; do
    if [ ! -e "/proc/$p" ]; then tail -20 "$lg" >&2; die "$v: serve exited (log above)"; fi
    code=$(curl -s -o "$W/health.json" -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/api/v1/health" 2>/dev/null) || code=000
    t=$(now)
    if [ "$code" = 200 ] && [ -z "$health" ]; then health=$t; fi
    if [ "$code" != 000 ]; then
      if grep -q '"reconciled" *: *true' "$W/health.json"; then rec=$t; vhealth_field[$v]=yes; break; fi
      if [ -n "$health" ] && ! grep -q '"reconciled"' "$W/health.json"; then rec=$health; vhealth_field[$v]=no; break; fi
    fi
    # every ~20 ms for 5 s, every 0.1 s up to 30 s, then every 0.5 s (each poll is a curl process)
    pause=$(awk -v a="$s" -v b="$t" -v m="$SERVE_TIMEOUT" 'BEGIN { d = b - a; print (d > m ? "timeout" : d < 5 ? 0.02 : d < 30 ? 0.1 : 0.5) }')
    if [ "$pause" = timeout ]; then
      tail -5 "$lg" >&2
      log "$v: serve on $col (run $run) not healthy and reconciled after $SERVE_TIMEOUT s (last health: HTTP $code $(head -c 200 "$W/health.json" 2>/dev/null)); stopped, not measured further on $col"
      stop_serve "$p"
      local kind=serve_restart
      ((run == 1)) && kind=serve_first
      add_sample "${kind}_health" "$v" "$col" "$([ -n "$health" ] && elapsed "$s" "$health" || echo "$NEVER")"
      add_sample "${kind}_rec" "$v" "$col" "$NEVER"
      return 1
    fi
    sleep "$pause"
  done
  local kind=serve_restart
  ((run == 1)) && kind=serve_first
  add_sample "${kind}_health" "$v" "$col" "$(elapsed "$s" "$health")"
  add_sample "${kind}_rec" "$v" "$col" "$(elapsed "$s" "$rec")"
  log "$v: serve on $col (run $run): health $(printf '%.2f' "$(elapsed "$s" "$health")") s, reconciled $(printf '%.2f' "$(elapsed "$s" "$rec")") s"
}

# ---- HTTP ----------------------------------------------------------------------------------------
# http_check VERSION EXPECTED-CODE PATH [CURL-ARGS...]: one request, its body in $W/http.body
http_check() {
  local v=$1 want=$2 path=$3 code; shift 3
  code=$(curl -s -o "$W/http.body" -w '%{http_code}' --max-time 60 "$@" "http://127.0.0.1:${serve_port[$v]}$path") || code=000
  [ "$code" = "$want" ] || die "$v: $path answered HTTP $code, expected $want: $(head -c 400 "$W/http.body")"
}
# http_timed VERSION OP COLUMN EXPECTED-CODE PATH [CURL-ARGS...]: curl's time_total as one sample
http_timed() {
  local v=$1 op=$2 col=$3 want=$4 path=$5 r; shift 5
  r=$(curl -s -o "$W/http.body" -w '%{http_code} %{time_total}' --max-time 60 "$@" "http://127.0.0.1:${serve_port[$v]}$path") || r="000 0"
  [ "${r% *}" = "$want" ] || die "$v: $path answered HTTP ${r% *}, expected $want: $(head -c 400 "$W/http.body")"
  add_sample "$op" "$v" "$col" "${r#* }"
}

web_login() { # VERSION COLUMN: a cookie jar with an operator's web session in $W/jar-VERSION
  local v=$1 col=$2 jar=$W/jar-$1 csrf origin="http://127.0.0.1:${serve_port[$1]}"
  rm -f "$jar"
  http_check "$v" 200 /login -c "$jar" -b "$jar"
  csrf=$(grep -o 'name="csrf" value="[^"]*"' "$W/http.body" | head -1 | sed 's/.*value="//; s/"$//')
  [ -n "$csrf" ] || die "$v: no CSRF token on /login"
  http_check "$v" 302 /login -c "$jar" -b "$jar" -H "Origin: $origin" \
    --data-urlencode "token=${token[$col]}" --data-urlencode "csrf=$csrf"
}

# measure_http COLUMN N: every version's daemon runs; each request alternates between them
measure_http() {
  local col=$1 n=$2 mid=$(($2 / 2)) q i v name
  local -a auth=(-H "Authorization: Bearer ${token[$col]}")
  name=$(name_of "$mid")
  q=${name:0:7}   # cl + the first 5 of the 7 digits: the 100 names from the middle client on
  for v in "${live[@]}"; do
    # checks (untimed; they also warm each endpoint up once)
    http_check "$v" 200 "/api/v1/clients/$name" "${auth[@]}"
    [ "$(jq -r .name "$W/http.body")" = "$name" ] || die "$v: API show returned another client"
    http_check "$v" 200 "/api/v1/clients?limit=50" "${auth[@]}"
    [ "$(jq '.items | length' "$W/http.body")" = 50 ] || die "$v: API page: not 50 items"
    http_check "$v" 200 "/api/v1/clients?limit=50&offset=$mid" "${auth[@]}"
    [ "$(jq '.items | length' "$W/http.body")" = 50 ] || die "$v: API deep page: not 50 items"
    http_check "$v" 200 "/api/v1/clients?q=$q&limit=50" "${auth[@]}"
    [ "$(jq '.total' "$W/http.body")" = 100 ] && [ "$(jq '.items | length' "$W/http.body")" = 50 ] \
      || die "$v: API search q=$q: expected 100 matches and 50 items, got $(jq -c '{total, n: (.items | length)}' "$W/http.body")"
    web_login "$v" "$col"
    http_check "$v" 200 /admin -b "$W/jar-$v"
    http_check "$v" 200 "/admin?q=$q" -b "$W/jar-$v"
    grep -q "$(name_of $((mid + 1)))" "$W/http.body" || die "$v: dashboard search q=$q does not list $(name_of $((mid + 1)))"
    http_check "$v" 200 "/admin/clients/$name" -b "$W/jar-$v"
    http_check "$v" 200 /admin/plan -b "$W/jar-$v"
  done
  log "$col: API and web UI, $API_R requests each, alternating"
  for ((i = 1; i <= API_R; i++)); do
    for v in "${live[@]}"; do
      http_timed "$v" api_show "$col" 200 "/api/v1/clients/$name" "${auth[@]}"
      http_timed "$v" api_page "$col" 200 "/api/v1/clients?limit=50" "${auth[@]}"
      http_timed "$v" api_deep "$col" 200 "/api/v1/clients?limit=50&offset=$mid" "${auth[@]}"
      http_timed "$v" api_search "$col" 200 "/api/v1/clients?q=$q&limit=50" "${auth[@]}"
      http_timed "$v" api_create "$col" 201 /api/v1/clients "${auth[@]}" -H 'Content-Type: application/json' \
        -d "{\"name\":\"$(printf 'api%04d' "$i")\",\"type\":\"hermit\"}"
      http_timed "$v" api_revoke "$col" 200 "/api/v1/clients/$(name_of $((mid + 100 + i)))/revoke" "${auth[@]}" -X POST
      http_timed "$v" web_dash "$col" 200 /admin -b "$W/jar-$v"
      http_timed "$v" web_search "$col" 200 "/admin?q=$q" -b "$W/jar-$v"
      http_timed "$v" web_client "$col" 200 "/admin/clients/$name" -b "$W/jar-$v"
      http_timed "$v" web_plan "$col" 200 /admin/plan -b "$W/jar-$v"
    done
  done
}

# ---- one column: a size (SQLite) or a size on PostgreSQL ------------------------------------------
measure_column() {
  local col=$1 n=$2 mid=$(($2 / 2)) i v run
  log "$col: warm-up (each version's first command; a newer one may migrate the schema now)"
  for v in "${vers[@]}"; do
    v6 "$v" client show "$(name_of "$n")" --home "$(H "$v" "$col")" >"$W/cmd.out" 2>"$W/cmd.err" \
      || { cat "$W/cmd.err" >&2; die "$v: client show on $col failed"; }
    v6 "$v" client show "$(name_of "$mid")" --home "$(H "$v" "$col")" >/dev/null 2>&1
  done
  log "$col: single CLI commands, $R runs each, alternating"
  for ((i = 1; i <= R; i++)); do
    for v in "${vers[@]}"; do timed_cli "$v" cli_show "$col" client show "$(name_of "$mid")" --home "$(H "$v" "$col")"; done
    for v in "${vers[@]}"; do
      timed_cli "$v" cli_add "$col" client add "$(printf 'add%04d' "$i")" --type hermit --home "$(H "$v" "$col")"
    done
    for v in "${vers[@]}"; do timed_cli "$v" cli_suspend "$col" client suspend "$(name_of $((mid + 1)))" --home "$(H "$v" "$col")"; done
    for v in "${vers[@]}"; do timed_cli "$v" cli_resume "$col" client resume "$(name_of $((mid + 1)))" --home "$(H "$v" "$col")"; done
    for v in "${vers[@]}"; do timed_cli "$v" cli_revoke "$col" client revoke "$(name_of $((mid + 10 + i)))" --home "$(H "$v" "$col")"; done
    for v in "${vers[@]}"; do
      ((vstatus_name[$v])) && timed_cli "$v" cli_status "$col" status "$(name_of "$mid")" --home "$(H "$v" "$col")"
    done
  done
  log "$col: client list --json, $LIST_R runs each, alternating"
  for ((i = 1; i <= LIST_R; i++)); do
    for v in "${vers[@]}"; do
      local s e
      s=$(now)
      timeout 1800 /usr/bin/time -f '%M' -o "$W/time.out" "${vlauncher[$v]}" client list --json \
        --home "$(H "$v" "$col")" >"$W/list.json" 2>"$W/cmd.err" || { cat "$W/cmd.err" >&2; die "$v: client list failed"; }
      e=$(now)
      add_sample list_wall "$v" "$col" "$(elapsed "$s" "$e")"
      add_sample list_rss "$v" "$col" "$(tail -1 "$W/time.out")"
      if ((i == 1)); then
        local count
        count=$(jq length "$W/list.json")
        ((count >= n)) || die "$v: client list on $col shows $count clients, expected at least $n"
      fi
    done
  done
  live=("${vers[@]}")  # the versions whose daemon answered in time
  for ((run = 1; run <= SERVE_RUNS; run++)); do
    local up=()
    for v in "${live[@]}"; do
      start_serve "$v" "$col" "$run" || continue
      up+=("$v")
      ((run == SERVE_RUNS)) || stop_serve "${serve_pid[$v]}"
    done
    live=("${up[@]}")
  done
  ((${#live[@]})) && measure_http "$col" "$n"
  for v in "${live[@]}"; do
    add_sample rss "$v" "$col" "$(awk '/^VmRSS:/ { print $2; exit }' "/proc/${serve_pid[$v]}/status")"
  done
  stop_all_serves
}

# ---- the run -------------------------------------------------------------------------------------
cols=()
for n in "${sizes[@]}"; do
  build_home "$n"
  cols+=("$n")
  measure_column "$n" "$n"
  rm -rf "$W/homes/$n"
  if [[ " ${pg_sizes[*]} " == *" $n "* ]]; then
    build_pg_home "$n"
    cols+=("${n}pg")
    measure_column "${n}pg" "$n"
    rm -rf "$W/homes/${n}pg"
  fi
done
pg_stop

# ---- report --------------------------------------------------------------------------------------
# op|label|unit|target: unit s (seconds), ms, MB (KiB samples); target growth | max:LIMIT | none
ops=(
  "cli_show|client show NAME|s|growth"
  "cli_add|client add NAME --type hermit|s|growth"
  "cli_suspend|client suspend NAME|s|growth"
  "cli_resume|client resume NAME|s|growth"
  "cli_revoke|client revoke NAME|s|growth"
  "cli_status|status NAME|s|growth"
  "list_wall|client list --json: wall|s|none"
  "list_rss|client list --json: peak RSS|MB|none"
  "serve_first_health|serve, first start: health 200|s|max:$T_HEALTH_S"
  "serve_first_rec|serve, first start: reconciled|s|max:$T_RECON_S"
  "serve_restart_health|serve, restart: health 200|s|max:$T_HEALTH_S"
  "serve_restart_rec|serve, restart: reconciled|s|max:$T_RECON_S"
  "rss|serve: daemon VmRSS after HTTP|MB|max:$T_RSS_MB"
  "api_show|API GET /clients/NAME|ms|max:$T_HTTP_MS"
  "api_page|API GET /clients?limit=50|ms|max:$T_HTTP_MS"
  "api_deep|API GET /clients?limit=50&offset=N/2|ms|max:$T_HTTP_MS"
  "api_search|API GET /clients?q=START&limit=50|ms|max:$T_HTTP_MS"
  "api_create|API POST /clients|ms|none"
  "api_revoke|API POST /clients/NAME/revoke|ms|none"
  "web_dash|web /admin (dashboard)|ms|max:$T_HTTP_MS"
  "web_search|web /admin?q=START|ms|none"
  "web_client|web /admin/clients/NAME|ms|none"
  "web_plan|web /admin/plan|ms|none"
)
declare -A M
for e in "${ops[@]}"; do
  op=${e%%|*}
  for v in "${vers[@]}"; do
    for c in "${cols[@]}"; do
      read -r -a xs <<<"${S["$op|$v|$c"]:-}"
      M["$op|$v|$c"]=$( ((${#xs[@]})) && med "${xs[@]}" || true)
    done
  done
done
show() { # VALUE UNIT: as printed
  [ -n "$1" ] || { echo "-"; return; }
  awk -v x="$1" -v n="$NEVER" 'BEGIN { exit !(x >= n) }' && { echo ">$SERVE_TIMEOUT"; return; }
  case $2 in
    s) awk -v x="$1" 'BEGIN { printf (x < 10 ? "%.3f" : "%.1f"), x }' ;;
    ms) awk -v x="$1" 'BEGIN { printf "%.1f", x * 1000 }' ;;
    MB) awk -v x="$1" 'BEGIN { printf "%.0f", x * 1024 / 1e6 }' ;;
  esac
}
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" -v n="$NEVER" \
  'BEGIN { if (b > 0 && a < n && b < n) printf (a / b < 0.1 ? "%.3fx" : "%.2fx"), a / b; else printf "-" }' || echo "-"; }
# verdict OP-TARGET UNIT VALUE SMALLEST: PASS, MISS or blank
verdict() {
  local t=$1 unit=$2 x=$3 base=$4 lim
  [ -n "$x" ] || { echo ""; return; }
  case $t in
    growth) [ -n "$base" ] && [ "$small" != "$large" ] || { echo ""; return; }
            awk -v a="$x" -v b="$base" -v t="$T_GROWTH" 'BEGIN { print (a <= t * b ? "PASS" : "MISS") }' ;;
    max:*) lim=${t#max:}
           case $unit in
             ms) awk -v a="$x" -v l="$lim" 'BEGIN { print (a * 1000 <= l ? "PASS" : "MISS") }' ;;
             MB) awk -v a="$x" -v l="$lim" 'BEGIN { print (a * 1024 / 1e6 <= l ? "PASS" : "MISS") }' ;;
             *) awk -v a="$x" -v l="$lim" 'BEGIN { print (a <= l ? "PASS" : "MISS") }' ;;
           esac ;;
    *) echo "" ;;
  esac
}
target_text() {
  case $1 in
    growth) echo "<= ${T_GROWTH}x of $small" ;;
    max:*) echo "<= ${1#max:} $2" ;;
    *) echo "" ;;
  esac
}
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
foreign_end=$(foreign)
others=$(awk -v m="$(($(machine_ticks) - machine0))" -v o="$(($(own_ticks) - own0))" -v hz="$(getconf CLK_TCK)" \
  -v w="$(elapsed "$wall0" "$(now)")" -v c="$(nproc)" \
  'BEGIN { x = (m - o) / hz; if (x < 0) x = 0; printf "%.0f CPU-s in the %.0f s run (%.0f%% of the machine)", x, w, 100 * x / (w * c) }')
report=$W/report.txt
misses=0
{
  echo "v6broker scale benchmark (issue 17): $(date -u '+%F %T UTC')"
  echo "machine : $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $(java -version 2>&1 | head -1)"
  echo "load    : average at start $load_start, at end $load_end; other JVMs/builds: start [$foreign_start], end [$foreign_end]"
  echo "others  : other processes used $others"
  for v in "${vers[@]}"; do
    echo "$(printf '%-8s' "$v"): ${vdesc[$v]}; status NAME: $( ((vstatus_name[$v])) && echo yes || echo no); health has \"reconciled\": ${vhealth_field[$v]}"
  done
  echo "settings: SIZES=\"${sizes[*]}\" PG_SIZES=\"${pg_sizes[*]}\" R=$R LIST_R=$LIST_R API_R=$API_R SERVE_RUNS=$SERVE_RUNS THREADS=$THREADS PIN_JAR=$PIN_JAR"
  echo "homes   : prefix 2001:db8:100::/40, odd clients hermit, even subnet, SQLite unless 'pg'; built once, copied per version"
  for c in "${cols[@]}"; do echo "  $c: ${build_note[$c]}"; done
  echo
  printf '%-44s %-5s' "operation (unit; median)" "build"
  for c in "${cols[@]}"; do printf ' %9s' "$c"; done
  printf ' %8s %9s  %-16s %s\n' "growth" "ours/peer" "target @$large" "verdict"
  for e in "${ops[@]}"; do
    IFS='|' read -r op label unit tgt <<<"$e"
    for v in "${vers[@]}"; do
      line=$(printf '%-44s %-5s' "$([ "$v" = ours ] && echo "$label ($unit)" || echo "")" "$v")
      for c in "${cols[@]}"; do line+=$(printf ' %9s' "$(show "${M["$op|$v|$c"]}" "$unit")"); done
      g=$( ((${#sizes[@]} > 1)) && ratio "${M["$op|$v|$large"]}" "${M["$op|$v|$small"]}" || echo "-")
      r="-"
      [ "$v" = ours ] && ((${#vers[@]} > 1)) && r=$(ratio "${M["$op|ours|$large"]}" "${M["$op|peer|$large"]}")
      vd=$(verdict "$tgt" "$unit" "${M["$op|$v|$large"]}" "${M["$op|$v|$small"]}")
      for p in "${pg_sizes[@]}"; do
        [ "$p" = "$large" ] && [ "$tgt" != growth ] && [ "$tgt" != none ] && [ -n "${M["$op|$v|${p}pg"]}" ] \
          && vd+="${vd:+, }pg $(verdict "$tgt" "$unit" "${M["$op|$v|${p}pg"]}" "")"
      done
      [[ $vd == *MISS* ]] && [ "$v" = ours ] && misses=$((misses + 1))
      printf '%s %8s %9s  %-16s %s\n' "$line" "$g" "$r" "$([ "$v" = ours ] && target_text "$tgt" "$unit")" "$vd"
    done
  done
  echo
  echo "CLI: one process each (launcher and JVM start included), median of $R; add uses fresh names, revoke a"
  echo "different existing client each run, suspend and resume the same one. list: median of $LIST_R, its output"
  echo "discarded; peak RSS from /usr/bin/time. serve --no-openvpn: from the launch to the first 200 of"
  echo "GET /api/v1/health (polled every ~20 ms; after 5 s every 0.1 s, after 30 s every 0.5 s) and to the first"
  echo "answer with \"reconciled\": true (a version without that field reconciles before it listens: its first"
  echo "200); 'first start' renders the server directory afresh, 'restart' finds it; >$SERVE_TIMEOUT: not within"
  echo "SERVE_TIMEOUT. HTTP: curl's time_total over a new connection each, median of $API_R, ours and peer"
  echo "alternating, both daemons running; the search is q=START (cl + 5 digits, 100 matching names); the web"
  echo "pages with a logged-in operator session. MB = 10^6 bytes."
  echo "growth = largest / smallest size; ours/peer at the largest size; 'pg' = the same size on PostgreSQL"
  echo "(absolute targets only). The targets apply to ours; the peer's verdicts are for comparison."
  echo
  echo "ours: $misses target(s) missed"
} >"$report"
publish_report
