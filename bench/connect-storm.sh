#!/usr/bin/env bash
# Connect storm: N clients start at once against ONE shared-layout OpenVPN server made by v6broker,
# then the same N clients against the per-client layout (N server processes). Reports how long
# until every client carries its tunnel address and until every client answers ping from the
# server, and the servers' memory (VmRSS, and PSS) per client. See bench/README.md.
#
#   bench/connect-storm.sh               # as root; N=50
#   N=100 TIMEOUT=180 bench/connect-storm.sh
#
# Everything runs in network namespaces this script creates (prefix v6bb-<pid>-), on documentation
# addresses only (underlay 198.51.100.0/24, tunnels in 2001:db8:abba::/48), and is removed on exit,
# also on failure. The whole run stops by itself after MAX_RUNTIME seconds (default 590).
# Table on stdout and in bench/results/connect-storm-<date>.txt; progress on stderr.
set -euo pipefail

N=${N:-50}                      # clients (1..240: one underlay address each in 198.51.100.11..250)
TIMEOUT=${TIMEOUT:-120}         # per layout: seconds to wait for every client to answer ping
SETTLE=${SETTLE:-2}             # seconds to wait before each memory reading
MAX_RUNTIME=${MAX_RUNTIME:-590} # watchdog for the whole script, QUIET_WAIT included
QUIET_WAIT=${QUIET_WAIT:-0}     # wait up to this many seconds for the 1-min load to fall below 0.3/CPU
PIN_JAR=${PIN_JAR:-1}           # 1: after the first ./v6broker call, run a private copy of the jar

die() { printf 'connect-storm: %s\n' "$*" >&2; exit 1; }
log() { printf '[storm %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
for v in N TIMEOUT SETTLE MAX_RUNTIME QUIET_WAIT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer, got '${!v}'"
done
((N >= 1 && N <= 240)) || die "N must be 1..240 (one underlay address per client in 198.51.100.0/24)"
[ "$(id -u)" = 0 ] || die "needs root (ip netns, openvpn)"

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
. "$root/bench/lib.sh"
results=$root/bench/results
stamp=$(date +%Y-%m-%d-%H%M%S)
out=$results/connect-storm-$stamp.txt

# ---- tools ---------------------------------------------------------------------------------------
need_pkgs=()
command -v openvpn >/dev/null || need_pkgs+=(openvpn)
command -v ip >/dev/null && command -v ss >/dev/null || need_pkgs+=(iproute2)
ping -V 2>/dev/null | grep -q iputils || need_pkgs+=(iputils-ping)
bench_install "${need_pkgs[@]}"
command -v jq >/dev/null || die "jq is needed to read 'client list --json' (apt-get install -y jq)"

# ---- ownership, watchdog, quiet wait, broker home: bench/lib.sh -------------------------------
bench_start storm

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rss_kib() { awk '/^VmRSS:/ { print $2; exit }' "/proc/$1/status" 2>/dev/null || echo 0; }
anon_kib() { awk '/^RssAnon:/ { print $2; exit }' "/proc/$1/status" 2>/dev/null || echo 0; }  # private heap/stack
# first/median/p90/max of numbers on stdin (one a line), or "-" when empty
dist() { sort -g | awk '{ v[NR] = $1 } END { if (!NR) { print "- - - -"; exit }
  p = int(0.9 * NR + 0.999); if (p < 1) p = 1; m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
  printf "%.2f %.2f %.2f %.2f\n", v[1], m, v[p], v[NR] }'; }

# ---- wait for a quiet machine, note the load ------------------------------------------------------
# the quiet wait counts against MAX_RUNTIME: keep enough of it for the run itself
quiet_wait $((2 * TIMEOUT + 150))

# ---- broker home, clients, server directories and profiles ------------------------------------
broker_home
csv=$W/clients.csv
: >"$csv"
for i in $(seq "$N"); do
  printf 'st%03d,%s\n' "$i" "$( ((i % 2)) && echo hermit || echo subnet)" >>"$csv"
done
log "client import: $N clients (odd hermit, even subnet)"
v6b client import "$csv" --home "$home" >&2 || die "client import failed"
v6b client list --json --home "$home" >"$W/clients.json"
mapfile -t names < <(jq -r '.[].name' "$W/clients.json" | sort)
((${#names[@]} == N)) || die "client list shows ${#names[@]} clients, expected $N"
declare -A ctype caddr
while IFS=' ' read -r n t a; do ctype[$n]=$t caddr[$n]=$a; done < <(jq -r '.[] |
  "\(.name) \(.type) \(if .type == "hermit" then .prefix else .transferClient end | split("/")[0])"' "$W/clients.json")

log "server config: shared and per-client"
v6b server config --layout shared --out "$W/srv-shared" --home "$home" >&2
v6b server config --layout per-client --out "$W/srv-per" --home "$home" >&2
mkdir -p "$W/ovpn-shared" "$W/ovpn-per-client" "$W/log"
log "client export: $((2 * N)) inline profiles"
batch=()
for n in "${names[@]}"; do
  for l in shared per-client; do
    v6b client export "$n" --format ovpn --layout "$l" --out "$W/ovpn-$l/$n.ovpn" --home "$home" >/dev/null &
    batch+=($!)
  done
  if ((${#batch[@]} >= $(nproc))); then for p in "${batch[@]}"; do wait "$p" || die "client export failed"; done; batch=(); fi
done
for p in "${batch[@]}"; do wait "$p" || die "client export failed"; done
declare -A cport
for n in "${names[@]}"; do
  cport[$n]=$(awk '$1 == "remote" { print $3; exit }' "$W/ovpn-per-client/$n.ovpn")
  [ -f "$W/srv-per/$n.conf" ] || die "per-client server config $W/srv-per/$n.conf missing"
done

# ---- namespaces: bridge in the server namespace, one veth per client namespace ---------------------
SRV=$tag-srv
log "namespaces: $SRV + $N clients"
ns_create "$SRV"
ip -n "$SRV" link add br0 type bridge
ip -n "$SRV" addr add 198.51.100.1/24 dev br0
ip -n "$SRV" link set br0 up
nsx "$SRV" sysctl -qw net.ipv6.conf.all.forwarding=1
declare -A cns
i=0
for n in "${names[@]}"; do
  i=$((i + 1))
  ns=$tag-c$(printf '%03d' "$i")
  cns[$n]=$ns
  ns_create "$ns"
  ip link add "v$i" netns "$SRV" type veth peer name eth0 netns "$ns"
  ip -n "$SRV" link set "v$i" master br0 up
  ip -n "$ns" addr add "198.51.100.$((10 + i))/24" dev eth0
  ip -n "$ns" link set eth0 up
done
nsx "${cns[${names[0]}]}" ping -4 -n -c1 -W2 198.51.100.1 >/dev/null || die "underlay: no ping to 198.51.100.1"

# ---- one storm: start all clients, poll addresses, ping from the server -----------------------------
# run_storm LAYOUT -> fills t_addr[name], t_isc[name], t_ping[name] (seconds after the start), sets storm_end.
# A client is pinged once it has its address and its log says "Initialization Sequence Completed" (a
# per-client profile sets its static address before it connects), then every sweep until it answers.
declare -A t_addr t_isc t_ping plen
run_storm() {
  local layout=$1 n t0 deadline done_a done_p line
  declare -A inflight_pid=()
  t_addr=() t_isc=() t_ping=() plen=()
  rm -f "$W"/ping.*
  storm_f0=$(foreign_ticks)
  t0=$(now)
  for n in "${names[@]}"; do
    start_bg openvpn ip netns exec "${cns[$n]}" openvpn --config "$W/ovpn-$layout/$n.ovpn" --log "$W/log/$layout-$n.log"
  done
  log "$layout: $N clients started in $(elapsed "$t0" "$(now)") s"
  deadline=$(awk -v a="$t0" -v t="$TIMEOUT" 'BEGIN { printf "%d", a + t }')
  while :; do
    done_a=0 done_p=0
    for n in "${names[@]}"; do
      if [ -z "${t_addr[$n]:-}" ]; then
        line=$(ip -n "${cns[$n]}" -6 -o addr show dev tun0 2>/dev/null | grep -F " ${caddr[$n]}/" | grep -v tentative || true)
        if [ -n "$line" ]; then
          t_addr[$n]=$(elapsed "$t0" "$(now)")
          plen[$n]=$(awk '{ split($4, a, "/"); print a[2] }' <<<"$line")
        fi
      fi
      [ -n "${t_addr[$n]:-}" ] && done_a=$((done_a + 1))
      if [ -z "${t_isc[$n]:-}" ] && grep -qF 'Initialization Sequence Completed' "$W/log/$layout-$n.log" 2>/dev/null; then
        t_isc[$n]=$(elapsed "$t0" "$(now)")
      fi
      if [ -n "${t_addr[$n]:-}" ] && [ -n "${t_isc[$n]:-}" ] && [ -z "${t_ping[$n]:-}" ]; then
        if [ -s "$W/ping.$n" ]; then
          t_ping[$n]=$(elapsed "$t0" "$(cat "$W/ping.$n")")
        elif [ -z "${inflight_pid[$n]:-}" ] || ! kill -0 "${inflight_pid[$n]}" 2>/dev/null; then
          [ -n "${inflight_pid[$n]:-}" ] && wait "${inflight_pid[$n]}" 2>/dev/null || true
          [ -s "$W/ping.$n" ] && continue
          ( ip netns exec "$SRV" ping -6 -n -c1 -W1 "${caddr[$n]}" >/dev/null 2>&1 && echo "$EPOCHREALTIME" >"$W/ping.$n.tmp" \
              && mv "$W/ping.$n.tmp" "$W/ping.$n" ) &
          inflight_pid[$n]=$!
        fi
      fi
      [ -n "${t_ping[$n]:-}" ] && done_p=$((done_p + 1))
    done
    ((done_p == N)) && break
    if (($(printf '%.0f' "$EPOCHREALTIME") >= deadline)); then
      log "$layout: timeout after $TIMEOUT s: $done_a/$N with address, $done_p/$N answering ping"
      break
    fi
    sleep 0.1
  done
  for n in "${!inflight_pid[@]}"; do wait "${inflight_pid[$n]}" 2>/dev/null || true; done
  storm_end=$(elapsed "$t0" "$(now)")
  # other people's build/test JVMs during the storm, in % of one core (a lower bound)
  storm_foreign=$(awk -v f=$(($(foreign_ticks) - storm_f0)) -v hz="$(getconf CLK_TCK)" -v t="$storm_end" \
    'BEGIN { if (f < 0) f = 0; printf "%.0f%%", (t > 0 ? 100 * f / hz / t : 0) }')
  log "$layout: $done_a/$N with address, $done_p/$N answering ping, after $storm_end s"
}
# summary of one storm into the named globals <prefix>_*
summarize() { # prefix
  local p=$1 n
  read -r "${p}_a1" "${p}_amed" "${p}_a90" "${p}_aall" < <(for n in "${names[@]}"; do [ -n "${t_addr[$n]:-}" ] && echo "${t_addr[$n]}"; done | dist)
  read -r "${p}_i1" "${p}_imed" "${p}_i90" "${p}_iall" < <(for n in "${names[@]}"; do [ -n "${t_isc[$n]:-}" ] && echo "${t_isc[$n]}"; done | dist)
  read -r "${p}_p1" "${p}_pmed" "${p}_p90" "${p}_pall" < <(for n in "${names[@]}"; do [ -n "${t_ping[$n]:-}" ] && echo "${t_ping[$n]}"; done | dist)
  printf -v "${p}_ni" '%d' "$(for n in "${names[@]}"; do [ -n "${t_isc[$n]:-}" ] && echo; done | wc -l)"
  printf -v "${p}_na" '%d' "$(for n in "${names[@]}"; do [ -n "${t_addr[$n]:-}" ] && echo; done | wc -l)"
  printf -v "${p}_np" '%d' "$(for n in "${names[@]}"; do [ -n "${t_ping[$n]:-}" ] && echo; done | wc -l)"
  # the prefix length each client's tun0 shows, by type (expected: shared /64 both; per-client hermit /64, subnet /112)
  printf -v "${p}_len" '%s' "$(for n in "${names[@]}"; do [ -n "${plen[$n]:-}" ] && echo "${ctype[$n]} /${plen[$n]}"; done | sort | uniq -c | awk '{ printf "%s%s %s x%d", (NR > 1 ? ", " : ""), $2, $3, $1 }')"
}
stop_clients() { # stops every tracked process (clients and servers), then waits for every tun0 to go
  local p n
  stop_pids
  for n in "${names[@]}"; do  # every tun0 gone before the next storm
    for p in $(seq 50); do ip -n "${cns[$n]}" link show tun0 >/dev/null 2>&1 || break; sleep 0.1; done
  done
}
failures=()

# ---- A. shared layout: one server process -----------------------------------------------------------
log "shared: starting the server"
start_bg openvpn ip netns exec "$SRV" openvpn --config "$W/srv-shared/server.conf" --log "$W/log/server-shared.log"
srv_pid=$bg_pid
for _ in $(seq 200); do grep -q 'Initialization Sequence Completed' "$W/log/server-shared.log" 2>/dev/null && break; sleep 0.1; done
grep -q 'Initialization Sequence Completed' "$W/log/server-shared.log" || { tail -20 "$W/log/server-shared.log" >&2; die "shared server did not start"; }
sleep "$SETTLE"
sh_rss0=$(rss_kib "$srv_pid") sh_anon0=$(anon_kib "$srv_pid")
run_storm shared
sleep "$SETTLE"
sh_rss1=$(rss_kib "$srv_pid") sh_anon1=$(anon_kib "$srv_pid")
summarize sh
sh_foreign=$storm_foreign
((sh_np == N)) || failures+=("shared: only $sh_np/$N clients answered ping within $TIMEOUT s")
grep -h -m1 -i 'dco' "$W/log/server-shared.log" | sed 's/^[0-9-]* [0-9:]* //' >"$W/dco.txt" 2>/dev/null || true
grep -h -m1 'Data Channel: cipher' "$W/log/shared-${names[0]}.log" >"$W/cipher.txt" 2>/dev/null || true
stop_clients   # stops the shared server too

# ---- B. per-client layout: one server process per client --------------------------------------------
log "per-client: starting $N server processes"
declare -A ppid
for n in "${names[@]}"; do
  start_bg openvpn ip netns exec "$SRV" openvpn --config "$W/srv-per/$n.conf" --log "$W/log/server-per-$n.log"
  ppid[$n]=$bg_pid
done
for _ in $(seq 300); do   # every server bound to its UDP port
  bound=$(ip netns exec "$SRV" ss -H -uln | awk '{ n = split($4, a, ":"); print a[n] }' | sort -u >"$W/ports"; \
          for n in "${names[@]}"; do echo "${cport[$n]}"; done | grep -cxFf "$W/ports" || true)
  ((bound == N)) && break
  sleep 0.1
done
((bound == N)) || die "per-client: only $bound/$N servers bound their UDP port"
sleep "$SETTLE"
pc_rss0=0 pc_anon0=0
for n in "${names[@]}"; do pc_rss0=$((pc_rss0 + $(rss_kib "${ppid[$n]}"))) pc_anon0=$((pc_anon0 + $(anon_kib "${ppid[$n]}"))); done
run_storm per-client
sleep "$SETTLE"
pc_rss1=0 pc_anon1=0 pc_alive=0
for n in "${names[@]}"; do
  r=$(rss_kib "${ppid[$n]}")
  ((r > 0)) && pc_alive=$((pc_alive + 1))
  pc_rss1=$((pc_rss1 + r)) pc_anon1=$((pc_anon1 + $(anon_kib "${ppid[$n]}")))
done
summarize pc
pc_foreign=$storm_foreign
((pc_np == N)) || failures+=("per-client: only $pc_np/$N clients answered ping within $TIMEOUT s")
((pc_alive == N)) || failures+=("per-client: only $pc_alive/$N server processes alive at the end")
stop_clients

# ---- report ------------------------------------------------------------------------------------------
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
foreign_end=$(foreign)
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b > 0 ? a / b : 0) }'; }
report=$W/report.txt
{
  echo "v6broker connect storm: $N clients at once ($((N - N / 2)) hermit, $((N / 2)) subnet), $(date -u '+%F %T UTC')"
  echo "host: $(nproc) CPUs, kernel $(uname -r), $(openvpn --version | head -1 | cut -d' ' -f1-2)," \
       "DCO: $(if [ -d /sys/module/ovpn ] || [ -d /sys/module/ovpn_dco_v2 ]; then echo loaded; else echo 'no kernel module (userspace data channel)'; fi)"
  [ -s "$W/dco.txt" ] && echo "server log: $(cat "$W/dco.txt")"
  echo "broker: $jar_id"
  echo "load average: start $load_start, end $load_end; other JVMs: start [$foreign_start], end [$foreign_end]"
  [ -s "$W/cipher.txt" ] && echo "data channel: $(sed 's/.*Data Channel: //' "$W/cipher.txt")"
  echo "times in seconds from starting all $N client processes (median, p90 = over clients; 'all' = the last one)"
  echo
  printf '%-36s %22s %22s\n' "" "shared (1 process)" "per-client ($N procs)"
  printf '%-36s %22s %22s\n' "clients with tunnel address" "$sh_na/$N" "$pc_na/$N"
  printf '%-36s %22s %22s\n' "  address: first" "$sh_a1" "$pc_a1"
  printf '%-36s %22s %22s\n' "  address: median / p90" "$sh_amed / $sh_a90" "$pc_amed / $pc_a90"
  printf '%-36s %22s %22s\n' "  address: all" "$sh_aall" "$pc_aall"
  printf '%-36s %22s %22s\n' "client log: Initialization Seq. Compl." "$sh_ni/$N" "$pc_ni/$N"
  printf '%-36s %22s %22s\n' "  connected: first" "$sh_i1" "$pc_i1"
  printf '%-36s %22s %22s\n' "  connected: median / p90" "$sh_imed / $sh_i90" "$pc_imed / $pc_i90"
  printf '%-36s %22s %22s\n' "  connected: all" "$sh_iall" "$pc_iall"
  printf '%-36s %22s %22s\n' "clients answering ping from server" "$sh_np/$N" "$pc_np/$N"
  printf '%-36s %22s %22s\n' "  ping: first" "$sh_p1" "$pc_p1"
  printf '%-36s %22s %22s\n' "  ping: median / p90" "$sh_pmed / $sh_p90" "$pc_pmed / $pc_p90"
  printf '%-36s %22s %22s\n' "  ping: all" "$sh_pall" "$pc_pall"
  printf '%-36s %22s %22s\n' "server RSS before clients (KiB)" "$sh_rss0" "$pc_rss0"
  printf '%-36s %22s %22s\n' "server RSS all connected (KiB)" "$sh_rss1" "$pc_rss1"
  printf '%-36s %22s %22s\n' "RSS per client (KiB)" "$(div $((sh_rss1 - sh_rss0)) "$sh_np") (growth)" "$(div "$pc_rss1" "$N") (total/N)"
  printf '%-36s %22s %22s\n' "  growth per client (KiB)" "$(div $((sh_rss1 - sh_rss0)) "$sh_np")" "$(div $((pc_rss1 - pc_rss0)) "$N")"
  printf '%-36s %22s %22s\n' "server RssAnon before (KiB)" "$sh_anon0" "$pc_anon0"
  printf '%-36s %22s %22s\n' "server RssAnon all connected (KiB)" "$sh_anon1" "$pc_anon1"
  printf '%-36s %22s %22s\n' "RssAnon per client (KiB)" "$(div $((sh_anon1 - sh_anon0)) "$sh_np") (growth)" "$(div "$pc_anon1" "$N") (total/N)"
  printf '%-36s %22s %22s\n' "others' JVMs during storm (1 core)" "$sh_foreign" "$pc_foreign"
  printf '%-36s %22s %22s\n' "tun0 prefix lengths seen" "" ""
  printf '  shared:     %s\n  per-client: %s\n' "${sh_len:--}" "${pc_len:--}"
  echo
  echo "Per-client profiles set their static address when tun0 opens, before connecting: there 'address' is"
  echo "process start-up and 'connected' (the client's log line) is the connect. Pings start once both are"
  echo "there and repeat every sweep (ping -6 -c1 -W1 from the server namespace); sweeps take ~0.1 s + N x ip."
  echo "VmRSS counts shared library pages (libcrypto, libc) in every process, so the per-client layout pays"
  echo "them N times in this column; RssAnon is each process's private heap and stack alone."
  if ((${#failures[@]})); then echo; echo "PROBLEMS:"; printf '  %s\n' "${failures[@]}"; fi
} >"$report"
publish_report
((${#failures[@]} == 0))
