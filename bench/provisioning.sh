#!/usr/bin/env bash
# Provisioning benchmark: v6broker against easy-rsa 3 and a raw openssl pipeline, all EC P-256,
# on this machine, in one go. See bench/README.md for what each figure means and the targets.
#
#   bench/provisioning.sh            # defaults
#   N=1000 M=30 M2=200 R=15 RUNS=3 bench/provisioning.sh
#
# Runs as root (it installs easy-rsa with apt-get if /usr/share/easy-rsa/easyrsa is missing).
# Prints a table on stdout and writes the same to bench/results/provisioning-<date>.txt;
# progress goes to stderr. Purely local: no network use (except that apt-get install, if needed).
set -euo pipefail

N=${N:-1000}            # A: clients per `client import` and per IssueOnly run
RUNS=${RUNS:-3}         # A: runs of the import and of IssueOnly (median reported)
M=${M:-30}              # A: easy-rsa build-client-full calls
M2=${M2:-200}           # A: raw openssl req + ca pairs
R=${R:-15}              # B: one-at-a-time repetitions of each side
B_CLIENTS=${B_CLIENTS:-100}  # B: clients already in the v6broker home before the timed adds
THREADS=${THREADS:-$(nproc)} # A: threads for the import and for IssueOnly
QUIET_WAIT=${QUIET_WAIT:-0}  # wait up to this many seconds for the machine to go quiet first

# Targets (ratios of rates in A; ratio of medians in B).
T_EASYRSA=200
T_OPENSSL=10
T_CRYPTO=0.70
T_ONE=1.0

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
launcher=$root/v6broker
easyrsa=/usr/share/easy-rsa/easyrsa

work=$(mktemp -d "${TMPDIR:-/tmp}/v6b-bench.XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

results=$root/bench/results
out=$results/provisioning-$(date +%Y-%m-%d-%H%M%S).txt
report=$work/report.txt   # copied to $out only when the whole run succeeded
: >"$report"

say() { printf '%s\n' "$*" | tee -a "$report"; }  # the report: stdout and the results file
log() { printf '[bench] %s\n' "$*" >&2; }           # progress: stderr only
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }   # start_ns end_ns
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v + 0 >= t + 0 ? "PASS" : "BELOW") }'; }
# min, median, max of numbers on stdin, one a line
stats() { sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
  printf "%.3f %.3f %.3f\n", v[1], m, v[NR] }'; }
median() { stats | awk '{ printf "%.1f\n", $2 }'; }

for v in N RUNS M M2 R B_CLIENTS THREADS; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'"
done
[[ $QUIET_WAIT =~ ^[0-9]+$ ]] || die "QUIET_WAIT must be a number of seconds, got '$QUIET_WAIT'"
busy() { awk -v c="$(nproc)" '{ exit !($1 > 0.3 * c) }' /proc/loadavg; }  # 1-min load > 0.3 per CPU
waited=0
while busy && ((waited < QUIET_WAIT)); do
  log "load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs: waiting for the machine to go quiet"
  sleep 10
  waited=$((waited + 10))
done
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
# CPU ticks used by the whole machine, and by this script with its (waited-for) children: the
# difference over the run is what other processes took from the benchmark.
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }
own_ticks() { sed 's/.*) //' "/proc/$$/stat" | awk '{ print $12 + $13 + $14 + $15 }'; }
machine0=$(machine_ticks) own0=$(own_ticks) wall0=$(now)
[ "$(id -u)" = 0 ] || log "warning: not root; installing easy-rsa would fail if it were missing"

# --- tools --------------------------------------------------------------------------------------
. "$root/bench/lib.sh"
if [ ! -x "$easyrsa" ]; then
  bench_install easy-rsa
  [ -x "$easyrsa" ] || die "easy-rsa still missing at $easyrsa after apt-get install"
fi
command -v openssl >/dev/null || die "openssl not found (apt-get install -y openssl)"
command -v java >/dev/null || die "java not found"

# --- build and warm up: jar, class-data-sharing archive, test classes ---------------------------
log "warm-up: building the jar and CDS archive if needed"
"$launcher" init --home "$work/warm" --prefix 2001:db8::/48 --endpoint vpn.example.net >/dev/null
"$launcher" client add warm-1 --type hermit --home "$work/warm" >/dev/null
[ -f target/v6broker.jsa ] || log "warning: no target/v6broker.jsa after warm-up (CDS archive not built)"
issue_src=src/test/java/net/v6broker/bench/IssueOnly.java
issue_cls=target/test-classes/net/v6broker/bench/IssueOnly.class
if [ ! -f "$issue_cls" ] || [ "$issue_src" -nt "$issue_cls" ]; then
  log "compiling test classes (mvn -q -B -o test-compile)"
  mvn -q -B -o test-compile >&2
fi

# Ours, timed: `timed RESET RUN` calls RESET (untimed: prepares a fresh attempt), then times RUN
# (which runs the launcher) into the global T (seconds), with its stdout in $cmd_out. If the
# launcher rebuilt the jar during the run (someone edited src/main meanwhile), the timing is void
# and the attempt is repeated, RESET first.
cmd_out=$work/cmd.out
cmd_err=$work/cmd.err
rebuilds=0
T=
timed() {
  local reset=$1 run=$2 attempt s e
  for attempt in 1 2 3; do
    "$reset"
    s=$(now)
    if ! "$run" >"$cmd_out" 2>"$cmd_err"; then
      cat "$cmd_out" "$cmd_err" >&2
      die "failed: $run"
    fi
    e=$(now)
    if grep -q 'v6broker: building' "$cmd_err"; then
      log "launcher rebuilt the jar during a timed run (sources changed); repeating it"
      rebuilds=$((rebuilds + 1))
      continue
    fi
    T=$(secs "$s" "$e")
    return 0
  done
  die "the launcher kept rebuilding during timed runs; is someone editing src/main right now?"
}

# --- A. bulk provisioning ----------------------------------------------------------------------
csv=$work/clients.csv
{
  echo "name,type,os,email"
  for ((i = 1; i <= N; i++)); do
    if ((i % 2)); then echo "bench-$i,hermit,linux,"; else echo "bench-$i,subnet,windows,bench-$i@example.net"; fi
  done
} >"$csv"

import_home=$work/import-home
fresh_import_home() {
  rm -rf "$import_home"
  "$launcher" init --home "$import_home" --prefix 2001:db8::/48 --endpoint vpn.example.net >/dev/null
}
import_run() { "$launcher" client import "$csv" --home "$import_home" --threads "$THREADS"; }
imp_wall=() imp_self=() imp_wall_s=()
for ((run = 1; run <= RUNS; run++)); do
  log "A1 ours: client import of $N clients, run $run/$RUNS"
  timed fresh_import_home import_run
  t=$T
  line=$(grep -m1 '^imported ' "$cmd_out" || true)
  [[ $line =~ ^imported\ ([0-9]+)\ clients\ in\ ([0-9.]+)\ s\ \(([0-9.]+)/s\) ]] \
    || die "unexpected import output: $(cat "$cmd_out")"
  [ "${BASH_REMATCH[1]}" = "$N" ] || die "import added ${BASH_REMATCH[1]} clients, expected $N"
  imp_wall+=("$(rate "$N" "$t")")
  imp_self+=("${BASH_REMATCH[3]}")
  imp_wall_s+=("$t")
  if ((run == 1)); then  # sanity: the clients are really there
    listed=$("$launcher" client list --json --home "$import_home" | grep -c '"name" *:' || true)
    [ "$listed" = "$N" ] || die "client list shows $listed clients after importing $N"
    subnets=$("$launcher" client list --json --home "$import_home" | grep -c '"type" *: *"subnet"' || true)
  fi
done
ours_wall=$(printf '%s\n' "${imp_wall[@]}" | median)
ours_self=$(printf '%s\n' "${imp_self[@]}" | median)
ours_wall_s=$(printf '%s\n' "${imp_wall_s[@]}" | stats | awk '{ print $2 }')

# Crypto only, compared like with like: a fresh JVM (no warm-up: the import gets none), started with
# exactly the java options and jar the launcher gives `client import` (V6BROKER_PRINT_JAVA), plus
# the test classes. IssueOnly also prints the rate of a second N in the then warm JVM (information).
mapfile -t import_java < <(V6BROKER_PRINT_JAVA=1 "$launcher" client import "$csv" --home "$import_home" --threads "$THREADS")
issue_java=()
for ((i = 0; i < ${#import_java[@]}; i++)); do
  [ "${import_java[i]}" = -cp ] && break
  issue_java+=("${import_java[i]}")
done
[ "$i" -lt "${#import_java[@]}" ] || die "unexpected V6BROKER_PRINT_JAVA output: ${import_java[*]}"
cp_issue="${import_java[i + 1]}:$root/target/test-classes"
crypto=() crypto_warm=()
for ((run = 1; run <= RUNS; run++)); do
  log "A2 crypto only: IssueOnly $N, run $run/$RUNS"
  line=$("${issue_java[@]}" -cp "$cp_issue" net.v6broker.bench.IssueOnly "$N" "$THREADS")
  [[ $line =~ \ rate=([0-9.]+)/s.*\ warm_rate=([0-9.]+)/s ]] || die "unexpected IssueOnly output: $line"
  crypto+=("${BASH_REMATCH[1]}")
  crypto_warm+=("${BASH_REMATCH[2]}")
  crypto_line=$line
done
ours_crypto=$(printf '%s\n' "${crypto[@]}" | median)
ours_crypto_warm=$(printf '%s\n' "${crypto_warm[@]}" | median)
# The same, timed as the import is timed: the whole process, JVM start-up and exit included (it
# makes its CA where the import loads one), issuing the N and nothing else.
crypto_run() { "${issue_java[@]}" -cp "$cp_issue" net.v6broker.bench.IssueOnly "$N" "$THREADS" 0 0; }
crypto_reset() { :; }
crypto_wall=()
for ((run = 1; run <= RUNS; run++)); do
  log "A2 crypto only, whole process: IssueOnly $N, run $run/$RUNS"
  timed crypto_reset crypto_run
  crypto_wall+=("$(rate "$N" "$T")")
done
ours_crypto_wall=$(printf '%s\n' "${crypto_wall[@]}" | median)

log "A3 easy-rsa: init-pki, build-ca, then $M x build-client-full"
export EASYRSA_ALGO=ec EASYRSA_CURVE=prime256v1 EASYRSA_BATCH=1
pki=$work/pki
(cd "$work" && EASYRSA_PKI=$pki "$easyrsa" init-pki >"$work/easyrsa-init.log" 2>&1) \
  || { cat "$work/easyrsa-init.log" >&2; die "easyrsa init-pki failed"; }
(cd "$work" && EASYRSA_PKI=$pki EASYRSA_REQ_CN=bench-CA "$easyrsa" build-ca nopass >"$work/easyrsa-ca.log" 2>&1) \
  || { cat "$work/easyrsa-ca.log" >&2; die "easyrsa build-ca failed"; }
easyrsa_client() {  # NAME
  (cd "$work" && EASYRSA_PKI=$pki "$easyrsa" build-client-full "$1" nopass >"$work/easyrsa.log" 2>&1) \
    || { cat "$work/easyrsa.log" >&2; die "easyrsa build-client-full $1 failed"; }
}
s=$(now)
for ((i = 1; i <= M; i++)); do easyrsa_client "bulk-$i"; done
e=$(now)
easy_s=$(secs "$s" "$e")
easy_rate=$(rate "$M" "$easy_s")
issued=$(find "$pki/issued" -name 'bulk-*.crt' | wc -l)
[ "$issued" = "$M" ] || die "easy-rsa issued $issued certificates, expected $M"
easy_key=$(openssl x509 -in "$pki/issued/bulk-1.crt" -noout -text | grep -m1 -o 'ASN1 OID: [a-z0-9]*' || true)

log "A4 raw openssl: $M2 x (openssl req -newkey ec P-256 + openssl ca)"
ossl=$work/openssl-ca
mkdir -p "$ossl/newcerts" "$ossl/out"
: >"$ossl/index.txt"
echo 1000 >"$ossl/serial"
echo "unique_subject = no" >"$ossl/index.txt.attr"
cnf=$ossl/ca.cnf
cat >"$cnf" <<EOF
[ ca ]
default_ca = bench_ca

[ bench_ca ]
dir            = $ossl
database       = \$dir/index.txt
new_certs_dir  = \$dir/newcerts
certificate    = \$dir/ca.crt
private_key    = \$dir/ca.key
serial         = \$dir/serial
default_md     = sha256
default_days   = 825
policy         = policy_any
unique_subject = no
copy_extensions = none

[ policy_any ]
commonName = supplied

[ usr_cert ]
basicConstraints       = CA:FALSE
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid,issuer
extendedKeyUsage       = clientAuth
keyUsage               = digitalSignature
EOF
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$ossl/ca.key" \
  -out "$ossl/ca.crt" -subj /CN=bench-CA -days 3650 >"$work/openssl-ca.log" 2>&1 \
  || { cat "$work/openssl-ca.log" >&2; die "openssl CA creation failed"; }
s=$(now)
for ((i = 1; i <= M2; i++)); do
  n=raw-$i
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$ossl/out/$n.key" \
    -out "$ossl/out/$n.csr" -subj "/CN=$n" >"$work/openssl.log" 2>&1 \
    || { cat "$work/openssl.log" >&2; die "openssl req failed for $n"; }
  openssl ca -batch -config "$cnf" -in "$ossl/out/$n.csr" -out "$ossl/out/$n.crt" -days 825 \
    -extensions usr_cert >"$work/openssl.log" 2>&1 \
    || { cat "$work/openssl.log" >&2; die "openssl ca failed for $n"; }
done
e=$(now)
ossl_s=$(secs "$s" "$e")
ossl_rate=$(rate "$M2" "$ossl_s")
issued=$(grep -c '^V' "$ossl/index.txt" || true)
[ "$issued" = "$M2" ] || die "openssl ca recorded $issued certificates, expected $M2"

# --- B. one at a time ---------------------------------------------------------------------------
log "B: home with $B_CLIENTS clients, then $R x (v6broker client add, easyrsa build-client-full), alternating"
b_home=$work/b-home
"$launcher" init --home "$b_home" --prefix 2001:db8::/48 --endpoint vpn.example.net >/dev/null
{
  echo "name,type,os,email"
  for ((i = 1; i <= B_CLIENTS; i++)); do
    if ((i % 2)); then echo "pre-$i,hermit,linux,"; else echo "pre-$i,subnet,macos,"; fi
  done
} >"$work/pre.csv"
"$launcher" client import "$work/pre.csv" --home "$b_home" >/dev/null
# warm-up of both sides (page cache, jar, CDS archive), not timed
"$launcher" client add one-warm --type hermit --home "$b_home" >/dev/null
easyrsa_client one-warm
one_seq=0
one_name=
next_one() { one_seq=$((one_seq + 1)); one_name=one-$one_seq; }
add_run() { "$launcher" client add "$one_name" --type hermit --home "$b_home"; }
ours_one=() easy_one=()
for ((i = 1; i <= R; i++)); do
  timed next_one add_run
  grep -q "^name  *$one_name\$" "$cmd_out" || die "unexpected client add output: $(cat "$cmd_out")"
  ours_one+=("$T")
  s=$(now)
  easyrsa_client "one-$i"
  e=$(now)
  easy_one+=("$(secs "$s" "$e")")
done
read -r o_min o_med o_max < <(printf '%s\n' "${ours_one[@]}" | stats)
read -r e_min e_med e_max < <(printf '%s\n' "${easy_one[@]}" | stats)

# --- report -------------------------------------------------------------------------------------
ms() { awk -v s="$1" 'BEGIN { printf "%.0f", s * 1000 }'; }
r_easy=$(div "$ours_wall" "$easy_rate")
r_ossl=$(div "$ours_wall" "$ossl_rate")
r_crypto=$(div "$ours_wall" "$ours_crypto_wall")
r_crypto_self=$(div "$ours_self" "$ours_crypto")
r_one=$(div "$e_med" "$o_med")
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
machine1=$(machine_ticks) own1=$(own_ticks) wall1=$(now)
hz=$(getconf CLK_TCK)
others_s=$(awk -v m="$((machine1 - machine0))" -v o="$((own1 - own0))" -v hz="$hz" \
  'BEGIN { x = (m - o) / hz; printf "%.1f", (x > 0 ? x : 0) }')
run_s=$(secs "$wall0" "$wall1")
others_pct=$(awk -v x="$others_s" -v w="$run_s" -v c="$(nproc)" 'BEGIN { printf "%.0f", 100 * x / (w * c) }')

say "v6broker provisioning benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "machine : $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load avg at start $load_start, at end $load_end"
say "others  : other processes used ${others_s} CPU-s during the ${run_s} s run (${others_pct}% of the machine)"
say "software: $(java -version 2>&1 | head -1); $(openssl version); easy-rsa $("$easyrsa" --version 2>/dev/null | awk '/^Version:/ { print $2 }')"
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  say "tree    : $(git -C "$root" describe --always --dirty), $(git -C "$root" status --porcelain | wc -l) path(s) changed or untracked"
else
  say "tree    : $root (not a git work tree)"
fi
say "settings: N=$N RUNS=$RUNS THREADS=$THREADS QUIET_WAIT=$QUIET_WAIT M=$M M2=$M2 R=$R B_CLIENTS=$B_CLIENTS; all keys EC P-256, certs 825 days"
say ""
say "A. Bulk provisioning (clients per second, higher is better)"
printf '  %-58s %12s  %s\n' "method" "clients/s" "detail" | tee -a "$report"
printf '  %-58s %12s  %s\n' "ours: client import, wall incl. JVM start (median of $RUNS)" "$ours_wall" \
  "$N clients in $ours_wall_s s median; runs: ${imp_wall[*]}/s; $subnets subnets" | tee -a "$report"
printf '  %-58s %12s  %s\n' "ours: client import, rate the command prints (median)" "$ours_self" \
  "runs: ${imp_self[*]}/s" | tee -a "$report"
printf '  %-58s %12s  %s\n' "ours: crypto only, IssueOnly, fresh JVM (median of $RUNS)" "$ours_crypto" \
  "runs: ${crypto[*]}/s; last: $crypto_line" | tee -a "$report"
printf '  %-58s %12s  %s\n' "ours: crypto only, IssueOnly, wall incl. JVM start (median)" "$ours_crypto_wall" \
  "runs: ${crypto_wall[*]}/s; the same process, timed from outside like the import" | tee -a "$report"
printf '  %-58s %12s  %s\n' "  (information: the same again in the warm JVM, median)" "$ours_crypto_warm" \
  "runs: ${crypto_warm[*]}/s; not a target: the import never runs warm" | tee -a "$report"
printf '  %-58s %12s  %s\n' "easy-rsa 3 build-client-full (EC prime256v1)" "$easy_rate" \
  "$M clients in $easy_s s ($(ms "$(awk -v s="$easy_s" -v m="$M" 'BEGIN { print s / m }')") ms each); key ${easy_key:-?}" | tee -a "$report"
printf '  %-58s %12s  %s\n' "raw openssl req -newkey ec + openssl ca" "$ossl_rate" \
  "$M2 clients in $ossl_s s ($(ms "$(awk -v s="$ossl_s" -v m="$M2" 'BEGIN { print s / m }')") ms each)" | tee -a "$report"
say ""
printf '  %-58s %6s  %7s  %s\n' "ratio" "value" "target" "verdict" | tee -a "$report"
printf '  %-58s %6s  %7s  %s\n' "ours (wall) / easy-rsa" "$r_easy" ">= $T_EASYRSA" "$(verdict "$r_easy" "$T_EASYRSA")" | tee -a "$report"
printf '  %-58s %6s  %7s  %s\n' "ours (wall) / openssl" "$r_ossl" ">= $T_OPENSSL" "$(verdict "$r_ossl" "$T_OPENSSL")" | tee -a "$report"
printf '  %-58s %6s  %7s  %s\n' "ours (wall) / crypto-only (wall)" "$r_crypto" ">= $T_CRYPTO" "$(verdict "$r_crypto" "$T_CRYPTO")" | tee -a "$report"
printf '  %-58s %6s  %7s  %s\n' "ours (printed rate, no JVM start) / crypto-only" "$r_crypto_self" ">= $T_CRYPTO" "$(verdict "$r_crypto_self" "$T_CRYPTO")" | tee -a "$report"
say ""
say "B. One client at a time (wall seconds per process, lower is better; $R each, alternating)"
printf '  %-58s %8s %8s %8s\n' "method" "min" "median" "max" | tee -a "$report"
printf '  %-58s %8s %8s %8s\n' "ours: v6broker client add --type hermit ($B_CLIENTS+ clients)" "$o_min" "$o_med" "$o_max" | tee -a "$report"
printf '  %-58s %8s %8s %8s\n' "easy-rsa: easyrsa build-client-full nopass" "$e_min" "$e_med" "$e_max" | tee -a "$report"
say ""
printf '  %-58s %6s  %7s  %s\n' "ratio median easy-rsa / median ours" "$r_one" ">= $T_ONE" "$(verdict "$r_one" "$T_ONE")" | tee -a "$report"
say "  ours, each run (s)    : ${ours_one[*]}"
say "  easy-rsa, each run (s): ${easy_one[*]}"
if ((others_pct >= 5)); then
  say ""
  say "warning: other processes took ${others_pct}% of the machine's CPU during the run: the figures (the"
  say "multi-threaded ones most) are low and noisy; rerun on a quiet machine (QUIET_WAIT=300 helps)."
fi
if ((rebuilds > 0)); then
  say ""
  say "note: the launcher rebuilt the jar during $rebuilds timed run(s) (sources changed); those runs were repeated."
fi
mkdir -p "$results"
cp "$report" "$out"
log "written to $out"
