#!/usr/bin/env bash
# Connect storm: N clients start at once against ONE shared-layout OpenVPN server made by v6broker,
# the same N clients against a minimal hand-written OpenVPN server and client configuration (its own
# openssl EC P-256 PKI, no broker), and N_PERCLIENT of them against the per-client layout (one server
# process per client). Reports how long until every client logs "Initialization Sequence Completed",
# carries its tunnel address and answers ping from the server, the servers' memory per client, and
# ours/minimal. VARIANTS adds storms of edited copies (one option removed or added) to find what an
# option costs. See bench/README.md.
#
#   bench/connect-storm.sh                        # as root; N=50
#   N=1000 bench/connect-storm.sh                 # 1,000 clients; per-client layout with 200
#   N=50 ROUNDS=3 VARIANTS=suspects bench/connect-storm.sh
#
# Everything runs in network namespaces this script creates (prefix v6bb-<pid>-), on documentation
# addresses only (underlay 198.51.100.0/24 and 203.0.113.0/24, tunnels in 2001:db8:abba::/48), and is
# removed on exit, also on failure. The whole run stops by itself after MAX_RUNTIME seconds.
# Table on stdout and in bench/results/connect-storm-<date>.txt; progress on stderr.
set -euo pipefail

N=${N:-50}                      # clients of the shared-layout storms (1..1024)
N_PERCLIENT=${N_PERCLIENT:-$((N < 200 ? N : 200))} # clients of the per-client storm (0..N; 0: none)
NS=${NS:-$((N < 200 ? N : 200))}                    # client namespaces (1..480), clients spread round robin
ROUNDS=${ROUNDS:-1}             # rounds: every configuration once per round, the order rotated
START=${START:-held}            # held: clients start, wait on --management-hold, all released at once; cold: t0 = first exec
HOLD_TIMEOUT=${HOLD_TIMEOUT:-300} # held: seconds for every client to be started and holding
VARIANTS=${VARIANTS:-}          # extra storms on edited configs (see README); "suspects": the built-in list
TIMEOUT=${TIMEOUT:-120}         # per storm: seconds to wait for every client to answer ping
SETTLE=${SETTLE:-2}             # seconds to wait before each memory reading
MIN_AVAIL_MB=${MIN_AVAIL_MB:-2048} # stop when MemAvailable falls below this
MAX_RUNTIME=${MAX_RUNTIME:-590} # watchdog for the whole script, QUIET_WAIT included
QUIET_WAIT=${QUIET_WAIT:-0}     # wait up to this many seconds for the 1-min load to fall below 0.3/CPU
PIN_JAR=${PIN_JAR:-1}           # 1: after the first ./v6broker call, run a private copy of the jar

die() { printf 'connect-storm: %s\n' "$*" >&2; exit 1; }
log() { printf '[storm %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
[[ $START == held || $START == cold ]] || die "START must be held or cold, got '$START'"
for v in N N_PERCLIENT NS ROUNDS HOLD_TIMEOUT TIMEOUT SETTLE MIN_AVAIL_MB MAX_RUNTIME QUIET_WAIT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer, got '${!v}'"
done
# OpenVPN's --max-clients is 1024 by default and our server config does not raise it
((N >= 1 && N <= 1024)) || die "N must be 1..1024 (one shared server: OpenVPN's default --max-clients is 1024)"
((N_PERCLIENT <= N)) || die "N_PERCLIENT must be 0..N ($N): the per-client storm takes the first N_PERCLIENT clients"
((NS >= 1 && NS <= 480 && NS <= N)) || die "NS must be 1..min(N, 480) (one underlay address per namespace)"
((ROUNDS >= 1)) || die "ROUNDS must be at least 1"
[ "$(id -u)" = 0 ] || die "needs root (ip netns, openvpn)"

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
. "$root/bench/lib.sh"
results=$root/bench/results
stamp=$(date +%Y-%m-%d-%H%M%S)
out=$results/connect-storm-$stamp.txt

# ---- variants: NAME:BASE:EDIT,EDIT,...  (BASE ours|minimal; EDIT s-WORD / c-WORD drops every server /
# client line whose first word is WORD, `push "WORD ..."` and an inline <WORD> block; s+LINE / c+LINE
# appends LINE, @DIR@ in it being the base's server directory; c+@up gives subnet clients the up
# script of their tar.gz export, with script-security 2)
SUSPECTS="ours-freq:ours:s-connect-freq-initial
ours-tls-crypt:ours:s-tls-crypt,c-tls-crypt
ours-crl:ours:s-crl-verify
ours-sockbuf:ours:s-sndbuf,s-rcvbuf
ours-een:ours:s-explicit-exit-notify,c-explicit-exit-notify
ours-retry:ours:c-connect-retry
ours-mgmt-status:ours:s-management,s-status
ours-bare:ours:s-tls-crypt,c-tls-crypt,s-crl-verify,s-sndbuf,s-rcvbuf,s-explicit-exit-notify,c-explicit-exit-notify,c-connect-retry,s-management,s-status,s-ccd-exclusive,s-ifconfig-ipv6-pool,c-verify-x509-name,c-data-ciphers,s-data-ciphers,c-persist-key,s-persist-key,s-connect-freq-initial
ours+up:ours:c+@up
ours-redirect:ours:s-redirect-gateway,s+push \"route-ipv6 2000::/3\"
min+freq:minimal:s+connect-freq-initial 1024 10
min+tls-crypt:minimal:s+tls-crypt @DIR@/tc.key,c+tls-crypt @DIR@/tc.key
min+sockbuf:minimal:s+sndbuf 4194304,s+rcvbuf 4194304,s+push \"sndbuf 4194304\",s+push \"rcvbuf 4194304\""
[ "$VARIANTS" = suspects ] && VARIANTS=$SUSPECTS
declare -a var_names=() var_base=() var_edits=()
while IFS= read -r spec; do
  spec=${spec#"${spec%%[![:space:]]*}"}
  [ -n "$spec" ] || continue
  IFS=: read -r vn vb ve <<<"$spec"
  [[ $vn =~ ^[A-Za-z0-9+._-]+$ ]] || die "variant name '$vn' (from '$spec'): letters, digits and +._- only"
  [[ $vb == ours || $vb == minimal ]] || die "variant $vn: base must be ours or minimal, got '$vb'"
  var_names+=("$vn") var_base+=("$vb") var_edits+=("$ve")
done < <(tr ';' '\n' <<<"$VARIANTS")

# ---- tools ---------------------------------------------------------------------------------------
need_pkgs=()
command -v openvpn >/dev/null || need_pkgs+=(openvpn)
command -v ip >/dev/null && command -v ss >/dev/null || need_pkgs+=(iproute2)
ping -V 2>/dev/null | grep -q iputils || need_pkgs+=(iputils-ping)
command -v curl >/dev/null || need_pkgs+=(curl)
command -v openssl >/dev/null || need_pkgs+=(openssl)
command -v python3 >/dev/null || need_pkgs+=(python3-minimal)
bench_install "${need_pkgs[@]}"
command -v jq >/dev/null || die "jq is needed to read 'client list --json' (apt-get install -y jq)"
command -v nsenter >/dev/null || die "nsenter (util-linux) is needed"

# ---- ownership, watchdog, quiet wait, broker home: bench/lib.sh -------------------------------
bench_start storm

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# mem_add PID: adds its VmRSS and RssAnon (private heap and stack), KiB, to $rss and $anon (builtins: no fork)
mem_add() { local k v u; while read -r k v u; do case $k in VmRSS:) rss=$((rss + v)) ;; RssAnon:) anon=$((anon + v)) ;; esac; done \
  2>/dev/null <"/proc/$1/status" || true; }
avail_mib() { local k v u; while read -r k v u; do [ "$k" = MemAvailable: ] && { echo $((v / 1024)); return; }; done </proc/meminfo; }
# Commands run in a namespace as `nsenter --net=/var/run/netns/NS CMD`: one exec, no mount namespace
# (unlike `ip netns exec`), so the pid start_bg tracks is CMD's own (never wrap it in a shell function:
# that would be a subshell, which stop_pids does not recognise and cleanup's wait would hang on)

# ---- memory: 1,000 openvpn processes need a few GiB ---------------------------------------------
need_mib=$(((N + 2 * N_PERCLIENT) * 6 + MIN_AVAIL_MB))
(($(avail_mib) >= need_mib)) || die "MemAvailable $(avail_mib) MiB < $need_mib MiB (about 6 MiB per openvpn process + MIN_AVAIL_MB)"

# ---- wait for a quiet machine, note the load ------------------------------------------------------
quiet_wait $((TIMEOUT + 300))

# ---- broker home, clients, server directories and profiles (through the HTTP API) ---------------
broker_home
csv=$W/clients.csv
: >"$csv"
for i in $(seq "$N"); do
  printf 'st%04d,%s\n' "$i" "$( ((i % 2)) && echo hermit || echo subnet)" >>"$csv"
done
log "client import: $N clients (odd hermit, even subnet)"
v6b client import "$csv" --home "$home" >&2 || die "client import failed"
v6b client list --json --home "$home" >"$W/clients.json"
mapfile -t names < <(jq -r '.[].name' "$W/clients.json" | sort)
((${#names[@]} == N)) || die "client list shows ${#names[@]} clients, expected $N"
declare -A ctype caddr cpfx
while IFS=' ' read -r n t a p; do ctype[$n]=$t caddr[$n]=$a cpfx[$n]=$p; done < <(jq -r '.[] |
  "\(.name) \(.type) \(if .type == "hermit" then .prefix else .transferClient end | split("/")[0]) \(.prefix)"' "$W/clients.json")
per_names=("${names[@]:0:N_PERCLIENT}")

# profiles: one `serve --no-openvpn` answers GET /api/v1/clients/NAME/profile for all of them (a JVM
# per `client export` would take minutes at N=1000)
want_up=0
for e in "${var_edits[@]}"; do [[ ,$e, == *,c+@up,* ]] && want_up=1; done
v6b token create storm --home "$home" >"$W/token.out" 2>&1 || { cat "$W/token.out" >&2; die "token create failed"; }
token=$(tail -1 "$W/token.out")
[[ $token =~ ^[A-Za-z0-9_-]{20,}$ ]] || die "token create: unexpected output: $(cat "$W/token.out")"
if [ "$PIN_JAR" = 1 ]; then serve_cmd=(java "${jflags[@]}" -jar "$W/v6broker.jar"); else serve_cmd=(./v6broker); fi
for _ in $(seq 50); do
  hport=$((20000 + RANDOM % 12000))
  ss -Htln "sport = :$hport" | grep -q . || break
done
log "serve --no-openvpn on 127.0.0.1:$hport: $N shared + $N_PERCLIENT per-client profiles"
start_bg java "${serve_cmd[@]}" serve --home "$home" --no-openvpn --http "127.0.0.1:$hport"
serve_pid=$bg_pid
for _ in $(seq 600); do
  curl -sf -o /dev/null "http://127.0.0.1:$hport/api/v1/health" && break
  kill -0 "$serve_pid" 2>/dev/null || die "serve exited before it answered"
  sleep 0.1
done
mkdir -p "$W/ovpn-shared" "$W/ovpn-per-client" "$W/up"
{
  printf 'header = "Authorization: Bearer %s"\n' "$token"
  for n in "${names[@]}"; do
    printf 'url = "http://127.0.0.1:%s/api/v1/clients/%s/profile?format=ovpn&layout=shared"\noutput = "%s"\n' "$hport" "$n" "$W/ovpn-shared/$n.ovpn"
  done
  for n in "${per_names[@]}"; do
    printf 'url = "http://127.0.0.1:%s/api/v1/clients/%s/profile?format=ovpn&layout=per-client"\noutput = "%s"\n' "$hport" "$n" "$W/ovpn-per-client/$n.ovpn"
  done
  if ((want_up)); then
    for n in "${names[@]}"; do
      [ "${ctype[$n]}" = subnet ] || continue
      printf 'url = "http://127.0.0.1:%s/api/v1/clients/%s/profile?format=tar.gz&layout=shared&lanIf=eth0"\noutput = "%s"\n' "$hport" "$n" "$W/up/$n.tar.gz"
    done
  fi
} >"$W/curl.cfg"
t=$(now)
curl -sS --fail -K "$W/curl.cfg" >&2 || die "fetching the profiles failed"
log "profiles fetched in $(elapsed "$t" "$(now)") s"
stop_pids   # serve: the server directories below are written with the daemon stopped
# every profile a v6broker one (one awk: a fork costs ~10 ms here)
bad=$(awk 'FNR == 1 && !/^# Generated by v6broker/ { print FILENAME }' "$W/ovpn-shared"/*.ovpn \
  $( ((N_PERCLIENT)) && echo "$W/ovpn-per-client"/*.ovpn))
[ -z "$bad" ] || die "not v6broker profiles: $bad"
(($(ls "$W/ovpn-shared" | wc -l) == N)) || die "expected $N shared profiles in $W/ovpn-shared"
if ((want_up)); then
  for n in "${names[@]}"; do
    [ "${ctype[$n]}" = subnet ] || continue
    tar -xzf "$W/up/$n.tar.gz" -O "$n/up.sh" >"$W/up/$n.sh" || die "no up.sh in the tar.gz export of $n"
    chmod 755 "$W/up/$n.sh"
  done
fi

log "server config: shared and per-client"
v6b server config --layout shared --out "$W/srv-shared" --home "$home" >&2
v6b server config --layout per-client --out "$W/srv-per" --home "$home" >&2
declare -A cport
for n in "${per_names[@]}"; do
  while read -r k v p; do [ "$k" = remote ] && { cport[$n]=$p; break; }; done <"$W/ovpn-per-client/$n.ovpn"
  [ -f "$W/srv-per/$n.conf" ] || die "per-client server config $W/srv-per/$n.conf missing"
done
# the hermits' pushed gateway H::1 (ping source, below); the server's shared tunnel address T::1
hgw= tsrv=
for n in "${names[@]}"; do
  [ "${ctype[$n]}" = hermit ] && { hgw=$(awk '$1 == "ifconfig-ipv6-push" { print $3 }' "$W/srv-shared/ccd/$n"); break; }
done
tsrv=$(awk '$1 == "ifconfig-ipv6" { split($2, a, "/"); print a[1]; exit }' "$W/srv-shared/server.conf")
# the broker's prefix, routed into tun; what ours pushes as the clients' routes (redirect-gateway or route-ipv6)
route48=$(awk '$1 == "route-ipv6" { print $2; exit }' "$W/srv-shared/server.conf")
push_routes=$(grep -E '^push "(redirect-gateway|route-ipv6) ' "$W/srv-shared/server.conf" || true)
[ -n "$tsrv" ] && [ -n "$route48" ] && [ -n "$push_routes" ] \
  || die "cannot read ifconfig-ipv6, route-ipv6 and the pushed routes from $W/srv-shared/server.conf"

# ---- the minimal configuration: openssl EC P-256 PKI, one server, static client files -------------
MIN=$W/min
mkdir -p "$MIN/ccd" "$MIN/clients"
log "minimal: openssl EC P-256 CA, server and $N client certificates"
t=$(now)
(
  cd "$MIN"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -days 30 \
    -subj /CN=minimal-ca -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.crt -days 30 \
    -subj /CN=server -CA ca.crt -CAkey ca.key -addext basicConstraints=critical,CA:FALSE \
    -addext keyUsage=critical,digitalSignature -addext extendedKeyUsage=serverAuth 2>/dev/null
  printf '%s\n' "${names[@]}" | xargs -P "$(nproc)" -I{} openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -nodes -keyout clients/{}.key -out clients/{}.crt -days 30 -subj /CN={} -CA ca.crt -CAkey ca.key \
    -addext basicConstraints=critical,CA:FALSE -addext keyUsage=critical,digitalSignature -addext extendedKeyUsage=clientAuth 2>/dev/null
  openvpn --genkey tls-crypt tc.key
) || die "minimal PKI failed"
log "minimal PKI made in $(elapsed "$t" "$(now)") s"
cat >"$MIN/server.conf" <<EOF
# minimal hand-written server: IPv6 only, addresses from ccd/NAME
server-ipv6 ${tsrv%::1}::/64
proto udp
port 1194
dev tun
topology subnet
route-ipv6 $route48
$push_routes
client-config-dir $MIN/ccd
ca $MIN/ca.crt
cert $MIN/server.crt
key $MIN/server.key
dh none
remote-cert-tls client
keepalive 10 60
verb 3
EOF
for n in "${names[@]}"; do
  # the same addresses as ours: what differs is the options, not the address plan (builtins only)
  while IFS= read -r line; do [[ $line == '#'* ]] || printf '%s\n' "$line"; done <"$W/srv-shared/ccd/$n" >"$MIN/ccd/$n"
  printf '%s\n' client 'dev tun' 'proto udp' 'remote 198.51.100.1 1194' nobind "ca $MIN/ca.crt" \
    "cert $MIN/clients/$n.crt" "key $MIN/clients/$n.key" 'remote-cert-tls server' 'verb 3' >"$MIN/clients/$n.ovpn"
done

# ---- variants: edited copies of a base's server.conf and client profiles -------------------------
# edit_files EDITS DIRBASE OUTDIR FILE...: one awk for all files
edit_files() {
  local edits=$1 dirbase=$2 outdir=$3; shift 3
  awk -v edits="$edits" -v dirbase="$dirbase" -v outdir="$outdir" -v side="$side" '
    BEGIN { n = split(edits, e, ","); for (i = 1; i <= n; i++) {
        s = substr(e[i], 1, 1); op = substr(e[i], 2, 1); arg = substr(e[i], 3)
        if (s != side) continue
        if (op == "-") drop[arg] = 1
        else if (arg != "@up") { gsub(/@DIR@/, dirbase, arg); add[++na] = arg } } }
    function flush() { if (o != "") { for (i = 1; i <= na; i++) print add[i] > o; close(o) } }
    FNR == 1 { flush(); f = FILENAME; sub(/.*\//, "", f); o = outdir "/" f; inblock = "" }
    inblock != "" { if ($0 == "</" inblock ">") inblock = ""; next }
    /^<[a-z0-9-]+>$/ { w = substr($0, 2, length($0) - 2); if (w in drop) { inblock = w; next } }
    { w = $1; if (w == "push") { w = $2; sub(/^"/, "", w); sub(/"$/, "", w) } if (w in drop) next; print > o }
    END { flush() }' "$@"
}
declare -A var_srv var_cli
for i in "${!var_names[@]}"; do
  vn=${var_names[$i]} vb=${var_base[$i]} ve=${var_edits[$i]}
  vd=$W/var-$vn
  mkdir -p "$vd/clients"
  if [ "$vb" = ours ]; then bsrv=$W/srv-shared/server.conf bcli=$W/ovpn-shared bdir=$W/srv-shared
  else bsrv=$MIN/server.conf bcli=$MIN/clients bdir=$MIN; fi
  side=s edit_files "$ve" "$bdir" "$vd" "$bsrv"
  side=c edit_files "$ve" "$bdir" "$vd/clients" "$bcli"/*.ovpn
  # status file and management socket of a copy of ours: its own, not the base's
  sed -i -e "s#^status $W/srv-shared/run/#status $vd/#" -e "s#^management $W/srv-shared/run/#management $vd/#" "$vd/server.conf"
  if [[ ,$ve, == *,c+@up,* ]]; then
    for n in "${names[@]}"; do
      [ "${ctype[$n]}" = subnet ] && printf 'script-security 2\nup %s\n' "$W/up/$n.sh" >>"$vd/clients/$n.ovpn"
    done
  fi
  var_srv[$vn]=$vd/server.conf var_cli[$vn]=$vd/clients
  log "variant $vn: $vb with $ve"
done

# ---- namespaces: NS client namespaces, each on its own veth to the server namespace ----------------
# Routed point to point, no bridge: the server's 198.51.100.1 is on its lo, each veth carries a /32
# route to one client namespace's address (198.51.100.11.., then 203.0.113.11..). A bridge of 480
# ports floods every ARP and IPv6 multicast to all of them: at N=1000 it overflowed the kernel's
# per-CPU backlog (net.core.netdev_max_backlog, 1,000 packets) and dropped a million packets, the
# handshakes among them. A server has one uplink; the clients' packets reach it over separate links.
# Namespace k holds clients k, k+NS, k+2NS, ... (nobind: each its own UDP port on the namespace's
# one address). Pings come from the server namespace, from an address in the client's own on-link
# prefix (hermits: H::1, on lo; subnet clients: T::1 or their per-client T::XXXX:1), so that the
# echo reply leaves by the tun it came in on even where several clients share a namespace (Linux
# sends an echo reply out of the interface of the request when routes on several devices tie).
SRV=$tag-srv
log "namespaces: $SRV + $NS client namespaces for $N clients"
ns_create "$SRV"
ip -n "$SRV" addr add 198.51.100.1/32 dev lo
[ -n "$hgw" ] && ip -n "$SRV" addr add "$hgw/128" dev lo
nsx "$SRV" sysctl -qw net.ipv6.conf.all.forwarding=1
declare -a uaddr
nslist=()
for k in $(seq "$NS"); do   # ip -batch where it can: every ip call is a fork and exec (~10 ms here)
  ns=$tag-c$(printf '%03d' "$k")
  nslist+=("$ns")
  ns_create "$ns"
  ip link add "v$k" netns "$SRV" type veth peer name eth0 netns "$ns"
  if ((k <= 240)); then uaddr[$k]=198.51.100.$((10 + k)); else uaddr[$k]=203.0.113.$((10 + k - 240)); fi
  printf '%s\n' "addr add ${uaddr[$k]}/32 dev eth0" "link set eth0 up" "route add 198.51.100.1/32 dev eth0" \
    | ip -n "$ns" -batch -
done
for k in $(seq "$NS"); do
  printf '%s\n' "link set v$k up" "route add ${uaddr[$k]}/32 dev v$k src 198.51.100.1"
done | ip -n "$SRV" -batch -
declare -A cns
i=0
for n in "${names[@]}"; do cns[$n]=${nslist[$((i % NS))]}; i=$((i + 1)); done
nsenter --net="/var/run/netns/${nslist[0]}" ping -4 -n -c1 -W2 198.51.100.1 >/dev/null || die "underlay: no ping to 198.51.100.1"
nsenter --net="/var/run/netns/${nslist[$((NS - 1))]}" ping -4 -n -c1 -W2 198.51.100.1 >/dev/null || die "underlay: no ping to 198.51.100.1 from ${nslist[$((NS - 1))]}"

# ---- one storm ------------------------------------------------------------------------------------
# The watcher: one python3 process in the server namespace (at nice -5, so that it notices at once
# while the clients start) does all the watching, so that the harness costs next to nothing on 2 cores
# (a fork and exec costs ~10 ms here: one ping process per client would take seconds of CPU at N=1000).
# Every 20..100 ms it reads what the pending clients' logs gained (--machine-readable-output stamps each
# line to the microsecond): "Initialization Sequence Completed" = connected, "net_addr_v6_add: ADDR/"
# = addressed. Once a client has both it sends an ICMPv6 echo to its address (from H::1 for a hermit,
# from the server's own tunnel address otherwise), every 0.2 s until the first reply, whose arrival
# time is "answering ping". Events: KIND NAME EPOCH lines (isc, err, addr, pstart, ping).
cat >"$W/watch.py" <<'EOF'
import os, sys, time, socket, struct, select, random
sys.stderr = open(sys.argv[2] + ".err", "w")
spec, out, pidfile, min_avail, mode = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
timeout, hold_timeout = float(sys.argv[6]), float(sys.argv[7])
cl = [l.split() for l in open(spec)]          # name logfile addr src|- mgmt-socket|-
n = len(cl)
fh, buf = [None] * n, [b""] * n
isc, err, addr, pstart, last, ping = [None] * n, [False] * n, [None] * n, [None] * n, [0.0] * n, [None] * n
ident = random.randrange(1, 65536)
plain = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
bound = {}
for c in cl:
    if c[3] != "-" and c[3] not in bound:
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        s.bind((c[3], 0))
        bound[c[3]] = s
socks = [plain] + list(bound.values())
open(out + ".ready", "w").close()
pids, next_check, status = None, time.time() + 1, 0
def avail_mib():
    for l in open("/proc/meminfo"):
        if l.startswith("MemAvailable:"):
            return int(l.split()[1]) // 1024
    return 1 << 30
hz = os.sysconf("SC_CLK_TCK")
def cpu(ps):                                  # seconds of utime + stime of the processes
    t = 0
    for p in ps:
        try:
            f = open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()
            t += int(f[11]) + int(f[12])
        except (OSError, IndexError, ValueError):
            pass
    return t / hz
def read_pids():
    global pids
    if pids is None and os.path.exists(pidfile):
        pids = dict(l.split() for l in open(pidfile))
conns, cpu0 = [], 0.0
if mode == "held":
    # every client started and waiting for "hold release" on its management socket (all the start-up
    # work done), then all released in one loop: that is the storm's t0
    held = [False] * n
    while True:
        read_pids()
        for i, c in enumerate(cl):
            if not held[i]:
                try:
                    held[i] = b"Need hold release" in open(c[1], "rb").read()
                except OSError:
                    pass
        if pids is not None and all(held):
            break
        if time.time() >= hold_timeout:
            sys.exit(5)
        time.sleep(0.2)
    cpu0 = cpu(pids.values())
    t0 = time.time()
    for c in cl:
        m = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        m.connect(c[4])
        m.sendall(b"hold release\n")
        m.setblocking(False)
        conns.append(m)
    t_rel = time.time() - t0
else:
    t0, t_rel = time.time(), 0.0
deadline = t0 + timeout
t_ready = os.times()
# the logs are read every `scan` s (more clients, less often: ~1 us of work per pending client), the
# echo replies taken as they come; pings go out every 0.2 s to each client that has not answered
scan = min(0.1, max(0.02, n * 0.0001))
reading = list(range(n))                      # clients still missing connected or addressed
pinging = []                                  # clients with both, no reply yet
while True:
    now = time.time()
    still = []
    for i in reading:
        c = cl[i]
        if fh[i] is None:
            try:
                fh[i] = open(c[1], "rb")
            except OSError:
                still.append(i)
                continue
        data = fh[i].read()
        if data:
            lines = (buf[i] + data).split(b"\n")
            buf[i] = lines.pop()
            want = ("net_addr_v6_add: " + c[2] + "/").encode()
            for l in lines:
                if isc[i] is None and b"Initialization Sequence Completed" in l:
                    isc[i] = float(l.split(b" ", 1)[0]); err[i] = b"With Errors" in l
                elif addr[i] is None and want in l:
                    addr[i] = float(l.split(b" ", 1)[0])
                elif mode == "held" and b"Need hold release" in l and isc[i] is None:
                    try:                      # a restart (e.g. a failed handshake) holds again: release it
                        conns[i].sendall(b"hold release\n")
                    except OSError:
                        pass
        if isc[i] is not None and addr[i] is not None:
            fh[i].close()
            pinging.append(i)
        else:
            still.append(i)
    reading = still
    end = now + scan
    while True:
        t = time.time()
        left = []
        for i in pinging:
            if ping[i] is not None:
                continue
            left.append(i)
            if t - last[i] >= 0.2:
                if pstart[i] is None:
                    pstart[i] = t
                last[i] = t
                c = cl[i]
                try:
                    (bound[c[3]] if c[3] != "-" else plain).sendto(struct.pack("!BBHHH", 128, 0, 0, ident, i) + b"v6broker storm", (c[2], 0))
                except OSError:
                    pass
        pinging = left
        r, _, _ = select.select(socks, [], [], max(0.0, min(end, t + 0.02) - time.time()))
        t = time.time()
        for s in r:
            while True:
                try:
                    m = s.recv(2048, socket.MSG_DONTWAIT)
                except BlockingIOError:
                    break
                if len(m) >= 8 and m[0] == 129:
                    _, _, _, rid, seq = struct.unpack("!BBHHH", m[:8])
                    if rid == ident and seq < n and ping[seq] is None:
                        ping[seq] = t
        if t >= end:
            break
    if all(p is not None for p in ping):
        break
    if time.time() >= deadline:
        status = 2
        break
    if time.time() >= next_check:
        next_check = time.time() + 1
        if avail_mib() < min_avail:
            status = 3
            break
        read_pids()
        if pids is not None and not any(os.path.exists("/proc/" + pids[c[0]]) for i, c in enumerate(cl) if ping[i] is None):
            status = 4
            break
with open(out, "w") as f:
    for i, c in enumerate(cl):
        for kind, v in (("isc", isc[i]), ("addr", addr[i]), ("pstart", pstart[i]), ("ping", ping[i])):
            if v is not None:
                f.write("%s %s %.6f\n" % (kind, c[0], v))
        if err[i]:
            f.write("err %s 1\n" % c[0])
    ct = os.times()
    f.write("self - %.2f\n" % (ct.user + ct.system - t_ready.user - t_ready.system))
    f.write("t0 - %.6f\nrelease - %.3f\n" % (t0, t_rel))
    read_pids()
    if pids is not None:
        f.write("clicpu - %.2f\n" % (cpu(pids.values()) - cpu0))
sys.exit(status)
EOF

# run_storm LABEL PROFDIR NAME...: the watcher, then all clients at once, then wait for the watcher.
# Sets storm_t0 (epoch of the first client start), storm_launch, storm_end, storm_status (the watcher's:
# 0 all answered, 2 TIMEOUT, 3 MemAvailable below MIN_AVAIL_MB, 4 every unanswered client exited),
# storm_cpu_srv/cli/self (CPU seconds of the server(s) during the storm, the clients since they
# started, the watcher), storm_foreign, storm_avail0/1; events in $W/ev/LABEL; the kernel's tun
# addresses afterwards in $W/kaddr.
HZ=$(getconf CLK_TCK)
ticks_of() { # PID...: $ticks = their utime + stime (clock ticks), read with builtins
  local p f; ticks=0
  for p; do read -r -a f 2>/dev/null </proc/"$p"/stat && ticks=$((ticks + f[13] + f[14])); done
  return 0
}
secs() { awk -v t="$1" -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }'; }
run_storm() {
  local label=$1 pdir=$2; shift 2
  local n src wpid srv0 ns mgmt=()
  cpid=()
  mkdir -p "$W/log/$label" "$W/ev"
  for n; do
    src=-; [ "${ctype[$n]}" = hermit ] && src=$hgw
    echo "$n $W/log/$label/$n.log ${caddr[$n]} $src $W/mgmt/$label/$n.sock"
  done >"$W/spec"
  if [ "$START" = held ]; then mkdir -p "$W/mgmt/$label"; fi
  rm -f "$W/pids"
  storm_f0=$(foreign_ticks)
  storm_avail0=$(avail_mib)
  ticks_of "${srv_pids[@]}"; srv0=$ticks
  start_bg python3 nice -n -5 nsenter --net="/var/run/netns/$SRV" python3 "$W/watch.py" "$W/spec" "$W/ev/$label" \
    "$W/pids" "$MIN_AVAIL_MB" "$START" "$TIMEOUT" "$(awk -v t="$EPOCHREALTIME" -v d="$HOLD_TIMEOUT" 'BEGIN { printf "%.0f", t + d }')"
  wpid=$bg_pid
  for _ in $(seq 200); do [ -e "$W/ev/$label.ready" ] && break; kill -0 "$wpid" 2>/dev/null || break; sleep 0.05; done
  [ -e "$W/ev/$label.ready" ] || { cat "$W/ev/$label.err" >&2 2>/dev/null; die "$label: the watcher did not start"; }
  local tl=$EPOCHREALTIME
  for n; do
    [ "$START" = held ] && mgmt=(--management "$W/mgmt/$label/$n.sock" unix --management-hold)
    start_bg openvpn nsenter --net="/var/run/netns/${cns[$n]}" openvpn --config "$pdir/$n.ovpn" --log "$W/log/$label/$n.log" \
      --machine-readable-output "${mgmt[@]}"
    cpid[$n]=$bg_pid
  done
  storm_launch=$(elapsed "$tl" "$EPOCHREALTIME")
  for n; do echo "$n ${cpid[$n]}"; done >"$W/pids.tmp" && mv "$W/pids.tmp" "$W/pids"
  if [ "$START" = held ]; then log "$label: $# clients started in $storm_launch s, to be released together once all are holding"
  else log "$label: $# clients started in $storm_launch s"; fi
  storm_status=0
  wait "$wpid" || storm_status=$?
  [ "$storm_status" = 5 ] && die "$label: not every client was holding after HOLD_TIMEOUT=$HOLD_TIMEOUT s"
  storm_t0=$(awk '$1 == "t0" { print $3 }' "$W/ev/$label" 2>/dev/null)
  [ -n "$storm_t0" ] || { cat "$W/ev/$label.err" >&2 2>/dev/null; die "$label: the watcher failed (status $storm_status)"; }
  storm_release=$(awk '$1 == "release" { print $3 }' "$W/ev/$label")
  # held: from the first start until all were released (not part of the storm); cold: the launch loop
  [ "$START" = held ] && storm_launch=$(elapsed "$tl" "$storm_t0")
  storm_end=$(elapsed "$storm_t0" "$EPOCHREALTIME")
  storm_avail1=$(avail_mib)
  ticks_of "${srv_pids[@]}"; storm_cpu_srv=$(secs $((ticks - srv0)))
  storm_cpu_cli=$(awk '$1 == "clicpu" { print $3 }' "$W/ev/$label")
  storm_cpu_self=$(awk '$1 == "self" { print $3 }' "$W/ev/$label" 2>/dev/null)
  storm_foreign=$(awk -v f=$(($(foreign_ticks) - storm_f0)) -v hz="$HZ" -v t="$storm_end" \
    'BEGIN { if (f < 0) f = 0; printf "%.0f%%", (t > 0 ? 100 * f / hz / t : 0) }')
  case $storm_status in
    0) ;;
    2) log "$label: TIMEOUT ($TIMEOUT s) before every client answered" ;;
    3) die "$label: MemAvailable fell below MIN_AVAIL_MB=$MIN_AVAIL_MB MiB: stopped" ;;
    4) log "$label: every client that had not answered exited" ;;
    *) cat "$W/ev/$label.err" >&2 2>/dev/null; die "$label: the watcher failed (status $storm_status)" ;;
  esac
  log "$label: $(grep -c '^isc ' "$W/ev/$label") connected ($(grep -c '^err ' "$W/ev/$label") 'With Errors')," \
    "$(grep -c '^addr ' "$W/ev/$label") with address, $(grep -c '^ping ' "$W/ev/$label") answering ping of $#, after $storm_end s"
  # the kernel's view, once: every client's address on a tun in its namespace, and its length
  for ns in "${nslist[@]}"; do
    ip -n "$ns" -6 -o addr show 2>/dev/null | awk -v ns="$ns" '$2 ~ /^tun/ && $3 == "inet6" { print ns, $4 }'
  done >"$W/kaddr"
}
declare -A cpid
srv_pids=()


# ---- one row per storm --------------------------------------------------------------------------------
# summarize KEY LABEL NAME...: the storm just run into row_<field>[KEY]; times in seconds after the
# first client started: p50/p90/all (all = the last client) of connected, addressed, answering ping
declare -A row_label row_n row_launch row_isc row_addr row_ping row_pmi row_np row_err row_rss0 row_rss1 \
  row_anon0 row_anon1 row_procs row_mem row_foreign row_len row_srv row_cli row_self row_pdet row_pech
summarize() {
  local key=$1 label=$2 k c v; shift 2
  row_label[$key]=$label row_n[$key]=$# row_launch[$key]=$storm_launch row_foreign[$key]=$storm_foreign
  row_err[$key]=$(grep -c '^err ' "$W/ev/$label" || true) row_mem[$key]=$((storm_avail0 - storm_avail1))
  row_srv[$key]=$storm_cpu_srv row_cli[$key]=$storm_cpu_cli row_self[$key]=$storm_cpu_self
  for k in isc addr ping; do
    read -r c v <<<"$(awk -v k="$k" -v t0="$storm_t0" '$1 == k { print $3 - t0 }' "$W/ev/$label" | sort -g | awk '
      { v[NR] = $1 } END { if (!NR) { print "0 -/-/-"; exit }
        p = int(0.9 * NR + 0.999); m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%d %.2f/%.2f/%.2f\n", NR, m, v[p], v[NR] }')"
    case $k in isc) row_isc[$key]=$v ;; addr) row_addr[$key]=$v ;; ping) row_np[$key]=$c row_ping[$key]=$v ;; esac
  done
  # from connected and addressed to the reply: the poll loop's latency plus the first echo (p50/max)
  # and how that splits: ready -> first ping started (the loop noticing), first ping started -> reply
  local pm='{ v[NR] = $1 } END { if (!NR) { print "-"; exit } m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.2f/%.2f\n", m, v[NR] }'
  local ev='$1 == "isc" { i[$2] = $3 } $1 == "addr" { a[$2] = $3 } $1 == "ping" { p[$2] = $3 } $1 == "pstart" { q[$2] = $3 }'
  row_pmi[$key]=$(awk "$ev"' END { for (n in p) { s = (a[n] > i[n]) ? a[n] : i[n]; print p[n] - s } }' "$W/ev/$label" | sort -g | awk "$pm")
  row_pdet[$key]=$(awk "$ev"' END { for (n in q) { s = (a[n] > i[n]) ? a[n] : i[n]; print q[n] - s } }' "$W/ev/$label" | sort -g | awk "$pm")
  row_pech[$key]=$(awk "$ev"' END { for (n in p) print p[n] - q[n] }' "$W/ev/$label" | sort -g | awk "$pm")
  # prefix lengths the kernel shows, by type (expected: shared /64 both; per-client hermit /64, subnet /112)
  row_len[$key]=$(awk 'NR == FNR { split($2, a, "/"); seen[$1 " " a[1]] = a[2]; next }
      { l = seen[$2 " " $3]; c[$4 " /" (l == "" ? "missing" : l)]++ }
      END { for (k in c) print k, c[k] }' "$W/kaddr" <(for n; do echo "$n ${cns[$n]} ${caddr[$n]} ${ctype[$n]}"; done) |
    sort | awk '{ printf "%s%s %s x%d", (NR > 1 ? ", " : ""), $1, $2, $3 }')
  ((row_np[$key] == $#)) || failures+=("$label: only ${row_np[$key]}/$# clients answered ping within $TIMEOUT s")
  [[ ${row_len[$key]} != *missing* ]] || failures+=("$label: a client's address is missing from its tun: ${row_len[$key]}")
}
stop_storm() { # every tracked process (clients and servers), then every tun gone from the namespaces
  local ns i
  stop_pids
  for ns in "${nslist[@]}" "$SRV"; do
    for i in $(seq 50); do ip -n "$ns" -o link show 2>/dev/null | grep -q ': tun' || break; sleep 0.1; done
  done
}
failures=()

# shared_storm KEY LABEL SERVERCONF PROFDIR: one shared server, all N clients
shared_storm() {
  local key=$1 label=$2 conf=$3 pdir=$4 spid
  log "$label: starting the server"
  mkdir -p "$W/log/$label"
  start_bg openvpn nsenter --net="/var/run/netns/$SRV" openvpn --config "$conf" --log "$W/log/$label/server.log" --machine-readable-output
  spid=$bg_pid srv_pids=("$spid")
  wait_log "$W/log/$label/server.log" 'Initialization Sequence Completed' 20 \
    || { tail -20 "$W/log/$label/server.log" >&2; die "$label: server did not start"; }
  sleep "$SETTLE"
  rss=0 anon=0; mem_add "$spid"; row_rss0[$key]=$rss row_anon0[$key]=$anon row_procs[$key]=1
  run_storm "$label" "$pdir" "${names[@]}"
  sleep "$SETTLE"
  rss=0 anon=0; mem_add "$spid"; row_rss1[$key]=$rss row_anon1[$key]=$anon
  summarize "$key" "$label" "${names[@]}"
  [ -n "${dco_note:-}" ] || dco_note=$(grep -h -m1 -i 'dco' "$W/log/$label/server.log" | sed 's/^[0-9.]* [0-9a-f]* //' || true)
  stop_storm
}

# ---- the storms: every configuration once per round, the order rotated each round ------------------
cfgs=(ours min)
declare -A cfg_label=([ours]=ours-shared [min]=minimal) cfg_conf=([ours]=$W/srv-shared/server.conf [min]=$MIN/server.conf) \
  cfg_prof=([ours]=$W/ovpn-shared [min]=$MIN/clients) cfg_keys=()
for i in "${!var_names[@]}"; do
  c=v$i cfgs+=("$c")
  cfg_label[$c]=${var_names[$i]} cfg_conf[$c]=${var_srv[${var_names[$i]}]} cfg_prof[$c]=${var_cli[${var_names[$i]}]}
done
keys=()
for r in $(seq "$ROUNDS"); do
  sfx=; ((ROUNDS > 1)) && sfx="#$r"   # labels name files: no spaces
  nc=${#cfgs[@]}
  for j in $(seq 0 $((nc - 1))); do
    c=${cfgs[$(((j + r - 1) % nc))]}
    shared_storm "$c.$r" "${cfg_label[$c]}$sfx" "${cfg_conf[$c]}" "${cfg_prof[$c]}"
    keys+=("$c.$r") cfg_keys[$c]+=" $c.$r"
    [ "$c" = ours ] && [ -z "${cipher_ours:-}" ] && cipher_ours=$(grep -h -m1 'Data Channel: cipher' "$W/log/${cfg_label[$c]}$sfx/${names[0]}.log" | sed 's/.*Data Channel: //' || true)
    [ "$c" = min ] && [ -z "${cipher_min:-}" ] && cipher_min=$(grep -h -m1 'Data Channel: cipher' "$W/log/${cfg_label[$c]}$sfx/${names[0]}.log" | sed 's/.*Data Channel: //' || true)
  done
done

# ---- per-client layout: one server process per client (once) -------------------------------------
if ((N_PERCLIENT > 0)); then
  log "per-client: starting $N_PERCLIENT server processes"
  mkdir -p "$W/log/per-client"
  declare -A ppid
  srv_pids=()
  for n in "${per_names[@]}"; do
    start_bg openvpn nsenter --net="/var/run/netns/$SRV" openvpn --config "$W/srv-per/$n.conf" --log "$W/log/per-client/server-$n.log" --machine-readable-output
    ppid[$n]=$bg_pid srv_pids+=("$bg_pid")
  done
  for _ in $(seq 600); do   # every server bound to its UDP port
    nsenter --net="/var/run/netns/$SRV" ss -H -uln | awk '{ n = split($4, a, ":"); print a[n] }' | sort -u >"$W/ports"
    bound=$(for n in "${per_names[@]}"; do echo "${cport[$n]}"; done | grep -cxFf "$W/ports" || true)
    ((bound == N_PERCLIENT)) && break
    sleep 0.1
  done
  ((bound == N_PERCLIENT)) || die "per-client: only $bound/$N_PERCLIENT servers bound their UDP port"
  sleep "$SETTLE"
  rss=0 anon=0
  for n in "${per_names[@]}"; do mem_add "${ppid[$n]}"; done
  row_rss0[pc.1]=$rss row_anon0[pc.1]=$anon row_procs[pc.1]=$N_PERCLIENT
  run_storm ours-per-client "$W/ovpn-per-client" "${per_names[@]}"
  sleep "$SETTLE"
  rss=0 anon=0 alive=0
  for n in "${per_names[@]}"; do
    r=$rss; mem_add "${ppid[$n]}"
    ((rss > r)) && alive=$((alive + 1))
  done
  row_rss1[pc.1]=$rss row_anon1[pc.1]=$anon
  summarize pc.1 ours-per-client "${per_names[@]}"
  ((alive == N_PERCLIENT)) || failures+=("per-client: only $alive/$N_PERCLIENT server processes alive at the end")
  stop_storm
  keys+=(pc.1) cfgs+=(pc) cfg_label[pc]=ours-per-client cfg_keys[pc]=" pc.1"
fi

# ---- report ------------------------------------------------------------------------------------------
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
foreign_end=$(foreign)
part() { local IFS=/ a; read -r -a a <<<"$1"; echo "${a[$(($2 - 1))]:--}"; }   # part P50/P90/ALL 1|2|3
median() { sort -g | awk '{ v[NR] = $1 } END { if (!NR) { print "-"; exit } m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f\n", m }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b <= 0) print "-"; else printf "%.2f", a / b }'; }
# cmed CFG FIELD [PART]: the median over the configuration's rounds
cmed() {
  local c=$1 f=$2 pt=${3:-} k v
  for k in ${cfg_keys[$c]}; do
    v=row_$f[$k]; v=${!v:--}
    [ -n "$pt" ] && v=$(part "$v" "$pt")
    echo "$v"
  done | grep -v '^-$' | median
}
permil() { awk -v s="$1" -v n="$2" 'BEGIN { if (s == "-" || n <= 0) print "-"; else printf "%.1f", 1000 * s / n }'; }
kib() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { if (n > 0) printf "%.0f", (a - b) / n; else print "-" }'; }
min_ping=$(cmed min ping 3) ours_ping=$(cmed ours ping 3)
report=$W/report.txt
{
  echo "v6broker connect storm, $(date -u '+%F %T UTC'): $N clients at once ($((N - N / 2)) hermit, $((N / 2)) subnet) on one shared"
  echo "  server, ours and a minimal hand-written configuration, $ROUNDS round(s); $N_PERCLIENT in the per-client layout;"
  echo "  $NS client namespaces (up to $(((N + NS - 1) / NS)) clients each)"
  echo "host: $(nproc) CPUs, $(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) / 1024)) MiB, kernel $(uname -r), $(openvpn --version | head -1 | cut -d' ' -f1-2)," \
       "DCO: $(if [ -d /sys/module/ovpn ] || [ -d /sys/module/ovpn_dco_v2 ]; then echo loaded; else echo 'no kernel module (userspace data channel)'; fi)"
  [ -n "${dco_note:-}" ] && echo "server log: $dco_note"
  echo "broker: $jar_id"
  echo "load average: start $load_start, end $load_end; other JVMs: start [$foreign_start], end [$foreign_end]"
  echo "data channel: ours ${cipher_ours:--}; minimal ${cipher_min:--}"
  if [ "$START" = held ]; then
    echo "start: held. Every client process starts with --management-hold and waits (process start, configuration,"
    echo "  keys done); once all wait, one loop releases them ('hold release' on each management socket): t0. As"
    echo "  when 1,000 running clients reach the server at once. 'start' = seconds until all were holding (not timed)."
  else
    echo "start: cold. t0 = the first client's exec; 'start' = the launch loop, inside the storm: on 2 cores the"
    echo "  clients' own start-up CPU (exec, OpenSSL, configuration) is most of it."
  fi
  echo "Medians over the rounds. Seconds from t0: p50 and all (the last client) of 'Initialization Sequence"
  echo "Completed', of the tunnel address, of the first ping reply. CPU: ms per client of the server process(es)"
  echo "and of the client processes during the storm (cold: from their exec)."
  printf '%-18s %7s %6s %11s %11s %11s %6s %6s %7s %7s\n' configuration clients start "ISC p50/all" "addr p50/all" "ping p50/all" /min /ours "srv ms" "cli ms"
  for c in "${cfgs[@]}"; do
    n=$N; [ "$c" = pc ] && n=$N_PERCLIENT
    pa=$(cmed "$c" ping 3) rm=- ro=-
    if [ "$c" != pc ]; then rm=$(ratio "$pa" "$min_ping") ro=$(ratio "$pa" "$ours_ping"); fi
    printf '%-18s %7s %6s %11s %11s %11s %6s %6s %7s %7s\n' "${cfg_label[$c]}" "$n" "$(cmed "$c" launch)" \
      "$(cmed "$c" isc 1)/$(cmed "$c" isc 3)" "$(cmed "$c" addr 1)/$(cmed "$c" addr 3)" "$(cmed "$c" ping 1)/$pa" "$rm" "$ro" \
      "$(permil "$(cmed "$c" srv)" "$n")" "$(permil "$(cmed "$c" cli)" "$n")"
  done
  echo
  verdict=$(awk -v r="$(ratio "$ours_ping" "$min_ping")" 'BEGIN { if (r == "-") print "-"; else print (r <= 1.2 ? "PASS" : "ABOVE") }')
  echo "ours/minimal, all $N answering ping: $(ratio "$ours_ping" "$min_ping") (target <= 1.2: $verdict);" \
       "all connected $(ratio "$(cmed ours isc 3)" "$(cmed min isc 3)"), all addressed $(ratio "$(cmed ours addr 3)" "$(cmed min addr 3)")"
  echo "ours-shared, all $N answering ping within 30 s: $(awk -v p="$ours_ping" 'BEGIN { print (p != "-" && p <= 30) ? "PASS (" p " s)" : "MISS (" p " s)" }')"
  echo
  echo "Server memory, KiB (medians over the rounds): VmRSS and RssAnon before the clients and with all"
  echo "connected; per client = growth / clients (one shared process) or total / clients (per-client: every"
  echo "process counts the shared libraries again); host = MemAvailable lost during the storm, MiB (clients too)."
  printf '%-18s %5s %10s %10s %8s %10s %10s %8s %8s\n' configuration procs "RSS before" "RSS after" "RSS/cl" "Anon bef." "Anon aft." "Anon/cl" "host MiB"
  for c in "${cfgs[@]}"; do
    n=$N; [ "$c" = pc ] && n=$N_PERCLIENT
    r0=$(cmed "$c" rss0) r1=$(cmed "$c" rss1) a0=$(cmed "$c" anon0) a1=$(cmed "$c" anon1)
    if [ "$c" = pc ]; then rc=$(kib "$r1" 0 "$n") ac=$(kib "$a1" 0 "$n"); else rc=$(kib "$r1" "$r0" "$n") ac=$(kib "$a1" "$a0" "$n"); fi
    printf '%-18s %5.0f %10.0f %10.0f %8s %10.0f %10.0f %8s %8.0f\n' "${cfg_label[$c]}" "$(cmed "$c" procs)" "$r0" "$r1" "$rc" "$a0" "$a1" "$ac" "$(cmed "$c" mem)"
  done
  [ -n "${row_rss1[pc.1]:-}" ] && echo "  per-client layout, growth per client: RSS $(kib "${row_rss1[pc.1]}" "${row_rss0[pc.1]}" "$N_PERCLIENT"), RssAnon $(kib "${row_anon1[pc.1]}" "${row_anon0[pc.1]}" "$N_PERCLIENT")"
  echo
  echo "Every storm, in the order run: p50/p90/all seconds after t0."
  printf '%-20s %7s %6s  %-17s %-17s %-17s\n' storm pinged start connected addressed "answering ping"
  for k in "${keys[@]}"; do
    printf '%-20s %7s %6s  %-17s %-17s %-17s\n' "${row_label[$k]}" "${row_np[$k]}/${row_n[$k]}" "${row_launch[$k]}" \
      "${row_isc[$k]}" "${row_addr[$k]}" "${row_ping[$k]}"
  done
  echo
  echo "What each storm cost: CPU seconds of the server process(es) during the storm, of all clients since they"
  echo "started, and of the watcher (self); p50/max seconds from connected and addressed to the first reply"
  echo "(ping-ISC), split into the watcher noticing and sending (notice) and the wait for the echo (echo);"
  echo "others = other people's build/test JVMs during the storm (% of one core)."
  printf '%-20s %6s %6s %6s  %-11s %-11s %-11s %6s\n' storm "srv s" "cli s" "self s" ping-ISC notice echo others
  for k in "${keys[@]}"; do
    printf '%-20s %6s %6s %6s  %-11s %-11s %-11s %6s\n' "${row_label[$k]}" "${row_srv[$k]}" "${row_cli[$k]}" "${row_self[$k]}" \
      "${row_pmi[$k]}" "${row_pdet[$k]}" "${row_pech[$k]}" "${row_foreign[$k]}"
  done
  echo
  echo "tun prefix lengths (the kernel's, after each storm; expected shared /64, per-client hermit /64 subnet /112):"
  for k in "${keys[@]}"; do printf '  %-20s %s\n' "${row_label[$k]}" "${row_len[$k]:--}"; done
  errs=""
  for k in "${keys[@]}"; do ((row_err[$k])) && errs+=" ${row_label[$k]} ${row_err[$k]},"; done
  [ -n "$errs" ] && echo "'Initialization Sequence Completed With Errors' (a route another client in the namespace set first):${errs%,}"
  for i in "${!var_names[@]}"; do
    ((i)) || { echo; echo "variants (base: edits; s = server, c = client, - drops a directive, + adds a line):"; }
    printf '  %-18s %s: %s\n' "${var_names[$i]}" "${var_base[$i]}" "${var_edits[$i]}"
  done
  echo
  echo "connected = the client's log line, addressed = its net_addr_v6_add line (a per-client profile sets its"
  echo "static address when tun opens, before it connects), both stamped by --machine-readable-output; ping = the"
  echo "arrival of the first echo reply to the watcher's pings from the server namespace, sent every 0.2 s once"
  echo "both are there (the watcher, one python3 process at nice -5, reads the logs every 20 ms, 100 ms at N=1000)."
  if ((${#failures[@]})); then echo; echo "PROBLEMS:"; printf '  %s\n' "${failures[@]}"; fi
} >"$report"
publish_report
((${#failures[@]} == 0))
