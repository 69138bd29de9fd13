#!/usr/bin/env bash
# Throughput: iperf3 TCP through one tunnel built from v6broker's generated configs (shared layout,
# one client) against iperf3 over the raw veth underneath it (IPv4 198.51.100.x). See bench/README.md.
#
#   bench/throughput.sh                      # as root; 10 s per test, both directions
#   DURATION=20 TYPE=hermit REVERSE=0 bench/throughput.sh
#
# Two network namespaces (v6bb-<pid>-tsrv, v6bb-<pid>-tcli) joined by one veth pair, documentation
# addresses only (198.51.100.1/.2, tunnel 2001:db8:abba::/48); all removed on exit, also on failure.
# The whole run stops by itself after MAX_RUNTIME seconds (default 590).
# Table on stdout and in bench/results/throughput-<date>.txt; progress on stderr.
set -euo pipefail

DURATION=${DURATION:-10}        # seconds per iperf3 test
TYPE=${TYPE:-subnet}            # the client's type: subnet or hermit
REVERSE=${REVERSE:-1}           # 1: also server -> client (iperf3 -R)
MAX_RUNTIME=${MAX_RUNTIME:-590} # watchdog for the whole script, QUIET_WAIT included
QUIET_WAIT=${QUIET_WAIT:-0}     # wait up to this many seconds for the 1-min load to fall below 0.3/CPU
PIN_JAR=${PIN_JAR:-1}           # 1: after the first ./v6broker call, run a private copy of the jar

die() { printf 'throughput: %s\n' "$*" >&2; exit 1; }
log() { printf '[tput %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
for v in DURATION MAX_RUNTIME QUIET_WAIT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer, got '${!v}'"
done
((DURATION >= 1 && DURATION <= 60)) || die "DURATION must be 1..60 s"
case $TYPE in subnet|hermit) ;; *) die "TYPE must be subnet or hermit";; esac
[ "$(id -u)" = 0 ] || die "needs root (ip netns, openvpn)"

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
. "$root/bench/lib.sh"
results=$root/bench/results
out=$results/throughput-$(date +%Y-%m-%d-%H%M%S).txt

need_pkgs=()
command -v openvpn >/dev/null || need_pkgs+=(openvpn)
command -v iperf3 >/dev/null || need_pkgs+=(iperf3)
command -v ip >/dev/null && command -v ss >/dev/null || need_pkgs+=(iproute2)
ping -V 2>/dev/null | grep -q iputils || need_pkgs+=(iputils-ping)
bench_install "${need_pkgs[@]}"
command -v jq >/dev/null || die "jq is needed to read iperf3 -J output (apt-get install -y jq)"

# ---- ownership, watchdog, quiet wait, broker home: bench/lib.sh -------------------------------
bench_start tput

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }       # utime + stime of a pid
cpu_all() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat; }
hz=$(getconf CLK_TCK)
# the quiet wait counts against MAX_RUNTIME: keep enough of it for the run itself
quiet_wait $((4 * (DURATION + 30) + 90))

# ---- broker: home, one client, shared server directory, the client's profile -----------------------
broker_home
name=tp-$TYPE
printf '%s,%s\n' "$name" "$TYPE" >"$W/clients.csv"
v6b client import "$W/clients.csv" --home "$home" >&2 || die "client import failed"
v6b server config --layout shared --out "$W/srv" --home "$home" >&2
v6b client export "$name" --format ovpn --layout shared --out "$W/$name.ovpn" --home "$home" >&2
v6b client show "$name" --json --home "$home" >"$W/client.json"
caddr=$(jq -r 'if .type == "hermit" then .prefix else .transferClient end | split("/")[0]' "$W/client.json")
saddr=$(awk '$1 == "ifconfig-ipv6" { split($2, a, "/"); print a[1]; exit }' "$W/srv/server.conf")
[ -n "$caddr" ] && [ -n "$saddr" ] || die "cannot find the tunnel addresses (client '$caddr', server '$saddr')"

# ---- namespaces: one veth pair ------------------------------------------------------------------------
SRV=$tag-tsrv CLI=$tag-tcli
log "namespaces $SRV, $CLI"
ns_create "$SRV"
ns_create "$CLI"
ip link add eth0 netns "$SRV" type veth peer name eth0 netns "$CLI"
ip -n "$SRV" addr add 198.51.100.1/24 dev eth0
ip -n "$CLI" addr add 198.51.100.2/24 dev eth0
ip -n "$SRV" link set eth0 up
ip -n "$CLI" link set eth0 up
nsx "$SRV" sysctl -qw net.ipv6.conf.all.forwarding=1
nsx "$CLI" ping -4 -n -c1 -W2 198.51.100.1 >/dev/null || die "underlay: no ping to 198.51.100.1"

log "openvpn server and client ($TYPE client $name, tunnel $caddr <-> $saddr)"
start_bg openvpn ip netns exec "$SRV" openvpn --config "$W/srv/server.conf" --log "$W/server.log"
spid=$bg_pid
wait_log "$W/server.log" 'Initialization Sequence Completed' 20 || { tail -20 "$W/server.log" >&2; die "server did not start"; }
start_bg openvpn ip netns exec "$CLI" openvpn --config "$W/$name.ovpn" --log "$W/client.log"
cpid=$bg_pid
wait_log "$W/client.log" 'Initialization Sequence Completed' 30 || { tail -20 "$W/client.log" >&2; die "client did not connect"; }
for _ in $(seq 50); do nsx "$SRV" ping -6 -n -c1 -W1 "$caddr" >/dev/null 2>&1 && break; sleep 0.2; done
nsx "$SRV" ping -6 -n -c1 -W1 "$caddr" >/dev/null 2>&1 || die "no ping from the server to $caddr through the tunnel"
nsx "$CLI" ping -6 -n -c1 -W1 "$saddr" >/dev/null 2>&1 || die "no ping from the client to $saddr through the tunnel"
# the tunnel path really is tun0 on both sides
route_c=$(ip -n "$CLI" -6 route get "$saddr" | grep -o 'dev [^ ]*' | head -1)
route_s=$(ip -n "$SRV" -6 route get "$caddr" | grep -o 'dev [^ ]*' | head -1)

start_bg iperf3 ip netns exec "$SRV" iperf3 -s
ipid=$bg_pid
for _ in $(seq 50); do ip netns exec "$SRV" ss -H -tln 'sport = :5201' | grep -q . && break; sleep 0.1; done

# ---- the tests ---------------------------------------------------------------------------------------
# iperf_run LABEL ARGS... -> one line "gbps retransmits ovpn_srv% ovpn_cli% iperf3(s+c)% others% machine%"
# (% of one core, except machine%: all CPUs). The iperf3 client's CPU comes from this subshell's
# children ticks (cutime + cstime), the iperf3 server's from its /proc stat; "others" = build/test JVMs
# of other people (a lower bound: a process that ends during the test takes its ticks with it).
iperf_run() {
  local label=$1; shift
  local j=$W/iperf-$label.json s0 c0 s1 c1 m0 m1 t0 t1 gbps retr err i0 i1 k0 k1 f0 f1
  local -a st
  f0=$(foreign_ticks) i0=$(ticks "$ipid")
  s0=$(ticks "$spid") c0=$(ticks "$cpid") m0=$(cpu_all) t0=$EPOCHREALTIME
  read -r -a st <"/proc/$BASHPID/stat"; k0=$((st[15] + st[16]))   # builtin read: no child of our own
  ip netns exec "$CLI" timeout $((DURATION + 30)) iperf3 -c "$@" -t "$DURATION" -J >"$j" 2>"$j.err" || true
  read -r -a st <"/proc/$BASHPID/stat"; k1=$((st[15] + st[16]))
  s1=$(ticks "$spid") c1=$(ticks "$cpid") m1=$(cpu_all) t1=$EPOCHREALTIME
  i1=$(ticks "$ipid") f1=$(foreign_ticks)
  err=$(jq -r '.error // empty' "$j" 2>/dev/null || echo "no JSON: $(head -c 200 "$j.err")")
  [ -z "$err" ] || die "iperf3 $label failed: $err"
  gbps=$(jq -r '.end.sum_received.bits_per_second / 1e9' "$j")
  retr=$(jq -r '.end.sum_sent.retransmits // "-"' "$j")
  awk -v g="$gbps" -v r="$retr" -v s=$((s1 - s0)) -v c=$((c1 - c0)) -v ip=$((i1 - i0 + k1 - k0)) -v f=$((f1 - f0)) \
      -v hz="$hz" -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
      -v mb0="${m0% *}" -v mt0="${m0#* }" -v mb1="${m1% *}" -v mt1="${m1#* }" \
      'BEGIN { if (f < 0) f = 0; printf "%.3f %s %.0f %.0f %.0f %.0f %.0f\n", g, r, 100 * s / hz / t, 100 * c / hz / t,
               100 * ip / hz / t, 100 * f / hz / t, 100 * (mb1 - mb0) / (mt1 - mt0) }'
}
declare -A res
dirs=(up)
((REVERSE)) && dirs+=(down)
for d in "${dirs[@]}"; do
  rflag=()
  [ "$d" = down ] && rflag=(-R)
  log "iperf3 $d, raw veth: ${DURATION} s TCP to 198.51.100.1"
  res[raw-$d]=$(iperf_run "raw-$d" 198.51.100.1 -4 "${rflag[@]}")
  log "  ${res[raw-$d]}"
  log "iperf3 $d, tunnel: ${DURATION} s TCP to $saddr"
  res[tun-$d]=$(iperf_run "tun-$d" "$saddr" -6 "${rflag[@]}")
  log "  ${res[tun-$d]}"
done
for p in "$spid" "$cpid"; do kill -0 "$p" 2>/dev/null || die "an openvpn process died during the tests"; done

# ---- report ------------------------------------------------------------------------------------------
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
foreign_end=$(foreign)
cipher=$(grep -m1 'Data Channel: cipher' "$W/client.log" | sed 's/.*Data Channel: //')
sockbuf=$(grep 'Socket Buffers' "$W/client.log" | tail -1 | sed 's/.*Socket Buffers: //')
sockbuf_s=$(grep "Socket Buffers" "$W/server.log" | tail -1 | sed "s/.*Socket Buffers: //")
dco=$(grep -m1 -i 'dco' "$W/client.log" | sed 's/^[0-9-]* [0-9:]* //')
mtu_tun=$(ip -n "$CLI" -o link show tun0 | grep -o 'mtu [0-9]*')
mtu_eth=$(ip -n "$CLI" -o link show eth0 | grep -o 'mtu [0-9]*')
report=$W/report.txt
{
  echo "v6broker throughput: iperf3 TCP, ${DURATION} s per test, $(date -u '+%F %T UTC')"
  echo "host: $(nproc) CPUs, kernel $(uname -r), $(openvpn --version | head -1 | cut -d' ' -f1-2), $(iperf3 --version | head -1 | cut -d' ' -f1-2)"
  echo "DCO: $(if [ -d /sys/module/ovpn ] || [ -d /sys/module/ovpn_dco_v2 ]; then echo loaded; else echo 'no kernel module'; fi); client log: ${dco:-?}"
  echo "broker: $jar_id"
  echo "tunnel: shared layout, $TYPE client $name, $caddr <-> $saddr ($route_c / $route_s), tun0 $mtu_tun, veth $mtu_eth"
  echo "data channel: $cipher; socket buffers: client $sockbuf, server $sockbuf_s"
  echo "load average: start $load_start, end $load_end; other JVMs: start [$foreign_start], end [$foreign_end]"
  echo
  printf '%-8s %-30s %8s %8s %9s %9s %8s %8s %9s\n' dir path Gbit/s retrans "ovpn srv" "ovpn cli" iperf3 others machine
  for d in "${dirs[@]}"; do
    for k in raw tun; do
      read -r g r s c ip f m <<<"${res[$k-$d]}"
      case $k in raw) pth="raw veth (IPv4 198.51.100.x)";; *) pth="tunnel (IPv6, OpenVPN)";; esac
      printf '%-8s %-30s %8.3f %8s %9s %9s %8s %8s %9s\n' "$([ "$d" = up ] && echo "cli->srv" || echo "srv->cli")" "$pth" "$g" "$r" \
        "$([ "$k" = tun ] && echo "$s%" || echo -)" "$([ "$k" = tun ] && echo "$c%" || echo -)" "$ip%" "$f%" "$m%"
    done
  done
  echo
  for d in "${dirs[@]}"; do
    read -r gr _ <<<"${res[raw-$d]}"
    read -r gt _ <<<"${res[tun-$d]}"
    awk -v d="$([ "$d" = up ] && echo "cli->srv" || echo "srv->cli")" -v r="$gr" -v t="$gt" \
      'BEGIN { printf "%s: tunnel/raw = %.3f (%.1f%%), raw is %.1fx the tunnel\n", d, t / r, 100 * t / r, r / t }'
  done
  echo
  echo "ovpn srv/cli: CPU of each openvpn process over the test, in % of one core (100% = a core saturated);"
  echo "iperf3: both iperf3 processes together, same unit; others: build/test JVMs of other people running"
  echo "meanwhile, same unit (a lower bound). machine: all CPUs busy (100% = all $(nproc) cores, softirq included)."
  echo "Expect on 2 cores without DCO:"
  echo "0.5-0.9 Gbit/s through the tunnel vs ~10 Gbit/s raw veth: userspace OpenVPN, one thread per side,"
  echo "and iperf3 on both ends share the 2 cores."
  if awk -v a="$(cut -d' ' -f1 <<<"$load_start")" -v c="$(nproc)" 'BEGIN { exit !(a > 0.5 * c) }'; then
    echo "WARNING: the load average was above half the CPUs at start: other work skews these figures."
  fi
} >"$report"
publish_report
