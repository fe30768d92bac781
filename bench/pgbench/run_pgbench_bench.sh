#!/usr/bin/env bash
# pgbench against blockdb-server and PostgreSQL 15 side by side, in the same run, on the same
# machine and the same table (BIGINT primary key, TEXT, BIGINT, TEXT of 50 bytes). Both servers
# are durable: BlockDB with its defaults (wal_sync_mode = always), PostgreSQL with fsync and
# synchronous_commit on. Both listen on 127.0.0.1 with trust authentication, user and database
# blockdb, so the same pgbench scripts run on both.
#
# Workloads (pgbench -n -f script, since pgbench -i needs TRUNCATE and UPDATE):
#   insert, 1/16/64 clients, -M prepared and -M simple: one single-row INSERT per transaction;
#     the key is random(1000000, 9000000000000000000), drawn from each client's own pgbench
#     random sequence: disjoint from the preloaded keys, a collision needs about 10^9 inserts.
#   select, 16 clients, -M prepared: a point SELECT by primary key among PRELOAD_ROWS rows.
#   txn10, 16 clients, -M prepared: SERIALIZABLE transactions of one point SELECT and 10 INSERTs
#     (keys drawn as for insert), BEGIN ISOLATION LEVEL SERIALIZABLE on both servers.
#   hot, 16 clients, -M prepared: SERIALIZABLE read-then-insert on a hot range: count the rows
#     of one of 10 keys, then append a row under that key (table hot, primary key (k, seq)).
#     Concurrent transactions on one key conflict: PostgreSQL aborts one with 40001, BlockDB
#     with 40P01; pgbench retries them (--max-tries 100) and the abort rate is retries per
#     transaction attempted.
#
# Per line: tps, average and p99 latency (from pgbench --log, one line per transaction), server
# CPU seconds (utime+stime deltas from /proc/PID/stat; for PostgreSQL the postmaster with its
# reaped children plus every live child) and peak memory (BlockDB: VmHWM of the server process;
# PostgreSQL: the peak, sampled every 0.2 s, of the summed PSS of the postmaster and its
# children, so that shared buffers count once), and the ratio BlockDB/PostgreSQL.
#
# Usage: run_pgbench_bench.sh [-s BLOCKDB_SERVER] [-T SECONDS] [-r PRELOAD_ROWS] [-j THREADS]
#          [-w WORKLOADS]
# Environment: PGBENCH_BENCH_SERVER, PGBENCH_SECONDS (5), PGBENCH_PRELOAD_ROWS (100000),
#   PGBENCH_THREADS (2), PGBENCH_WORKLOADS ("select insert txn10 hot"),
#   PG_BINDIR (/usr/lib/postgresql/15/bin).
# Running as root, PostgreSQL runs as user postgres (it refuses root).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
server=${PGBENCH_BENCH_SERVER:-$here/../../build/bin/blockdb-server}
seconds=${PGBENCH_SECONDS:-5}
preload=${PGBENCH_PRELOAD_ROWS:-100000}
threads=${PGBENCH_THREADS:-2}
workloads=${PGBENCH_WORKLOADS:-select insert txn10 hot}
pg_bindir=${PG_BINDIR:-/usr/lib/postgresql/15/bin}

while getopts "s:T:r:j:w:h" opt; do
  case $opt in
    s) server=$OPTARG ;;
    T) seconds=$OPTARG ;;
    r) preload=$OPTARG ;;
    j) threads=$OPTARG ;;
    w) workloads=$OPTARG ;;
    *) sed -n '2,33p' "${BASH_SOURCE[0]}"; exit 2 ;;
  esac
done

pgbench=$(command -v pgbench || echo "$pg_bindir/pgbench")
psql_bin=$(command -v psql || echo "$pg_bindir/psql")
for tool in "$server" "$pgbench" "$psql_bin" "$pg_bindir/initdb" "$pg_bindir/postgres"; do
  [[ -x $tool ]] || { echo "missing executable: $tool" >&2; exit 1; }
done
clk_tck=$(getconf CLK_TCK)

tmp=$(mktemp -d -t blockdb-pgbench.XXXXXX)
chmod 755 "$tmp"
bdb_pid=""
pg_pid=""     # the postmaster
pg_child=""   # what this script started: the postmaster or runuser around it
cleanup() {
  [[ -n $bdb_pid ]] && kill -TERM "$bdb_pid" 2>/dev/null && wait "$bdb_pid" 2>/dev/null || true
  [[ -n $pg_pid ]] && kill -INT "$pg_pid" 2>/dev/null || true
  [[ -n $pg_child ]] && wait "$pg_child" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  as_pg=(runuser -u postgres --)
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits (with a deadline) until a log line matches; prints the match's first group.
wait_for_log() {  # file regex what pid
  local deadline=$((SECONDS + 60)) line
  while ((SECONDS < deadline)); do
    line=$(grep -oE "$2" "$1" 2>/dev/null | head -1 || true)
    [[ -n $line ]] && { echo "$line"; return 0; }
    kill -0 "$4" 2>/dev/null || { echo "$3 exited at startup:" >&2; tail -20 "$1" >&2; return 1; }
    sleep 0.1
  done
  echo "$3 did not start within a minute:" >&2; tail -20 "$1" >&2; return 1
}

# --- BlockDB ---
# The server reads BLOCKDB_* variables as settings: it runs with its defaults here.
unset_blockdb=()
for var in $(compgen -e | grep '^BLOCKDB_' || true); do unset_blockdb+=(-u "$var"); done
env "${unset_blockdb[@]}" "$server" --data-dir "$tmp/blockdb" --pg-port 0 --http-port 0 \
  >"$tmp/blockdb.log" 2>&1 &
bdb_pid=$!
bdb_port=$(wait_for_log "$tmp/blockdb.log" 'pgwire listening on 127\.0\.0\.1:[0-9]+' BlockDB \
  "$bdb_pid" | sed 's/.*://')

# --- PostgreSQL 15 ---
mkdir -p "$tmp/pg"
chown postgres: "$tmp/pg" 2>/dev/null || true
"${as_pg[@]}" "$pg_bindir/initdb" -D "$tmp/pg/data" -U blockdb --auth=trust --locale=C \
  --encoding=UTF8 --no-instructions >"$tmp/initdb.log" 2>&1 \
  || { cat "$tmp/initdb.log" >&2; exit 1; }
pg_port=$(free_port)
"${as_pg[@]}" "$pg_bindir/postgres" -D "$tmp/pg/data" -p "$pg_port" -k "$tmp/pg" \
  -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c max_connections=100 \
  -c lc_messages=C >"$tmp/pg/postgres.log" 2>&1 &
pg_child=$!
deadline=$((SECONDS + 60))
until "$psql_bin" -X -q -h 127.0.0.1 -p "$pg_port" -U blockdb -d postgres -c 'SELECT 1' \
  >/dev/null 2>&1; do
  kill -0 "$pg_child" 2>/dev/null || { tail -20 "$tmp/pg/postgres.log" >&2; exit 1; }
  ((SECONDS < deadline)) || { echo "PostgreSQL did not start" >&2; exit 1; }
  sleep 0.1
done
pg_pid=$(head -1 "$tmp/pg/data/postmaster.pid")
"$psql_bin" -X -q -h 127.0.0.1 -p "$pg_port" -U blockdb -d postgres -c 'CREATE DATABASE blockdb'

run_sql() {  # port sql...
  local port=$1
  shift
  "$psql_bin" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U blockdb -d blockdb "$@"
}

status_kb() {  # pid field
  awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"
}
bdb_idle_rss=$(status_kb "$bdb_pid" VmRSS)

# --- Table and preload, the same on both ---
note=$(printf '%050d' 0 | tr 0 x)
awk -v n="$preload" -v note="$note" \
  'BEGIN { for (i = 1; i <= n; i++) printf "%d\tname%d\t%d\t%s\n", i, i, i * 7, note }' \
  >"$tmp/preload.tsv"
for port in "$bdb_port" "$pg_port"; do
  run_sql "$port" -c 'CREATE TABLE bench (id BIGINT PRIMARY KEY, name TEXT, n BIGINT, note TEXT)'
  run_sql "$port" -c 'CREATE TABLE hot (k BIGINT, seq BIGINT, client INT, PRIMARY KEY (k, seq))'
  run_sql "$port" -c '\copy bench FROM STDIN' <"$tmp/preload.tsv"
  got=$(run_sql "$port" -At -c 'SELECT count(*) FROM bench')
  [[ $got == "$preload" ]] || { echo "preload: $got rows, expected $preload" >&2; exit 1; }
done
run_sql "$pg_port" -c 'VACUUM ANALYZE bench'
bdb_loaded_rss=$(status_kb "$bdb_pid" VmRSS)

cat >"$tmp/insert.sql" <<SQL
\\set id random(1000000, 9000000000000000000)
INSERT INTO bench VALUES (:id, 'pgbench', :client_id, '$note');
SQL
cat >"$tmp/select.sql" <<SQL
\\set id random(1, $preload)
SELECT name, n, note FROM bench WHERE id = :id;
SQL

{
  echo '\set id random(1000000, 9000000000000000000)'
  echo "\\set r random(1, $preload)"
  echo 'BEGIN ISOLATION LEVEL SERIALIZABLE;'
  echo 'SELECT name, n FROM bench WHERE id = :r;'
  for i in 0 1 2 3 4 5 6 7 8 9; do
    echo "\\set id$i :id + $i"
    echo "INSERT INTO bench VALUES (:id$i, 'txn10', :client_id, '$note');"
  done
  echo 'COMMIT;'
} >"$tmp/txn10.sql"
cat >"$tmp/hot.sql" <<'SQL'
\set k random(1, 10)
\set seq random(1, 9000000000000000000)
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT count(*) FROM hot WHERE k = :k;
INSERT INTO hot VALUES (:k, :seq, :client_id);
COMMIT;
SQL

# CPU clock ticks of a server: BlockDB is one process; PostgreSQL is the postmaster, the children
# it has reaped (cutime, cstime) and its live children.
cpu_ticks() {  # pid
  local total pid
  total=$(awk '{sub(/.*\) /, ""); print $12 + $13 + $14 + $15}' "/proc/$1/stat")
  for pid in $(cat "/proc/$1/task/"*/children 2>/dev/null); do
    total=$((total + $(awk '{sub(/.*\) /, ""); print $12 + $13 + $14 + $15}' \
      "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# Summed PSS (KiB) of a process and its children.
pss_kb() {  # pid
  local total=0 pid
  for pid in "$1" $(cat "/proc/$1/task/"*/children 2>/dev/null); do
    total=$((total + $(awk '$1 == "Pss:" {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null \
      || echo 0)))
  done
  echo "$total"
}

# Runs pgbench once; prints "tps avg_ms p99_ms cpu_s peak_mib txns failed retries".
run_one() {  # name port pid script clients mode
  local name=$1 port=$2 pid=$3 script=$4 clients=$5 mode=$6
  local jobs=$((clients < threads ? clients : threads))
  local dir="$tmp/log.$name"
  rm -rf "$dir" && mkdir -p "$dir"
  local before after sampler children deadline
  children=$(cat "/proc/$pid/task/"*/children 2>/dev/null | wc -w)
  before=$(cpu_ticks "$pid")
  (
    peak=0
    while :; do
      v=$(pss_kb "$pid")
      ((v > peak)) && peak=$v && echo "$peak" >"$dir/peak_pss"
      sleep 0.2
    done
  ) &
  sampler=$!
  "$pgbench" -n -h 127.0.0.1 -p "$port" -U blockdb -f "$script" -c "$clients" -j "$jobs" \
    -M "$mode" -T "$seconds" --max-tries 100 --log --log-prefix="$dir/tx" blockdb \
    >"$dir/out" 2>&1 || true
  # PostgreSQL's backends count once the postmaster has reaped them (BlockDB has no children).
  deadline=$((SECONDS + 10))
  while (($(cat "/proc/$pid/task/"*/children 2>/dev/null | wc -w) > children)) &&
    ((SECONDS < deadline)); do
    sleep 0.05
  done
  after=$(cpu_ticks "$pid")
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  local tps txns failed peak_kb
  tps=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' "$dir/out" | head -1)
  txns=$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' "$dir/out")
  failed=$(sed -nE 's/^number of failed transactions: ([0-9]+).*/\1/p' "$dir/out")
  retries=$(sed -nE 's/^total number of retries: ([0-9]+).*/\1/p' "$dir/out")
  if [[ $name == blockdb* ]]; then
    peak_kb=$(status_kb "$pid" VmHWM)
  else
    peak_kb=$(cat "$dir/peak_pss" 2>/dev/null || echo 0)
  fi
  if [[ -z $tps ]]; then
    echo "pgbench failed on $name:" >&2
    tail -5 "$dir/out" >&2
    echo "0 0 0 0 0 0 ? 0"
    return
  fi
  # Latency column 3 is in microseconds; p99 is the value at rank ceil(0.99 * count).
  local lat
  lat=$(cat "$dir"/tx.* | awk '{print $3}' | sort -n | awk '
    { v[NR] = $1; s += $1 }
    END { if (NR == 0) { print "0 0"; exit }
          r = int(0.99 * NR); if (r < 0.99 * NR) r++; if (r < 1) r = 1
          printf "%.3f %.3f\n", s / NR / 1000, v[r] / 1000 }')
  printf '%s %s %.2f %.1f %s %s %s\n' "$tps" "$lat" "$(echo "$after $before $clk_tck" |
    awk '{print ($1 - $2) / $3}')" "$(echo "$peak_kb" | awk '{print $1 / 1024}')" \
    "${txns:-0}" "${failed:-0}" "${retries:-0}"
}

echo "pgbench $("$pgbench" --version | awk '{print $3}'), PostgreSQL $("$pg_bindir/postgres" \
  --version | awk '{print $3}'), -T $seconds per run, $threads pgbench threads at most," \
  "$preload preloaded rows, $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "BlockDB idle RSS: $(awk -v k="$bdb_idle_rss" 'BEGIN {printf "%.1f", k / 1024}') MiB" \
  "at startup, $(awk -v k="$bdb_loaded_rss" 'BEGIN {printf "%.1f", k / 1024}') MiB after the preload"
printf '%-22s %10s %10s %6s | %8s %8s %8s %8s | %7s %7s | %8s %8s\n' workload bdb_tps pg_tps \
  ratio bdb_avg bdb_p99 pg_avg pg_p99 bdb_cpu pg_cpu bdb_MiB pg_MiB
line() {  # label script clients mode
  local b p
  read -r b_tps b_avg b_p99 b_cpu b_mem b_txn b_fail b_retry <<<"$(run_one "blockdb.$1" \
    "$bdb_port" "$bdb_pid" "$2" "$3" "$4")"
  read -r p_tps p_avg p_p99 p_cpu p_mem p_txn p_fail p_retry <<<"$(run_one "pg.$1" "$pg_port" \
    "$pg_pid" "$2" "$3" "$4")"
  local ratio
  ratio=$(awk -v b="$b_tps" -v p="$p_tps" 'BEGIN { if (p > 0) printf "%.2f", b / p; else print "-" }')
  printf '%-22s %10.0f %10.0f %6s | %8s %8s %8s %8s | %7s %7s | %8s %8s\n' "$1" "$b_tps" \
    "$p_tps" "$ratio" "$b_avg" "$b_p99" "$p_avg" "$p_p99" "$b_cpu" "$p_cpu" "$b_mem" "$p_mem"
  if [[ $b_fail != 0 || $p_fail != 0 ]]; then
    echo "  failed transactions: BlockDB $b_fail, PostgreSQL $p_fail" >&2
  fi
  if [[ $b_retry != 0 || $p_retry != 0 ]]; then
    awk -v bt="$b_txn" -v br="$b_retry" -v pt="$p_txn" -v pr="$p_retry" 'BEGIN {
      printf "  aborted and retried: BlockDB %d (%.1f%% of attempts), PostgreSQL %d (%.1f%%)\n",
        br, (bt + br > 0 ? 100 * br / (bt + br) : 0), pr, (pt + pr > 0 ? 100 * pr / (pt + pr) : 0)
    }'
  fi
}
has() { [[ " $workloads " == *" $1 "* ]]; }
has select && line "select c16 prepared" "$tmp/select.sql" 16 prepared
if has insert; then
  for clients in 1 16 64; do
    for mode in prepared simple; do
      line "insert c$clients $mode" "$tmp/insert.sql" "$clients" "$mode"
    done
  done
fi
has txn10 && line "txn10 c16 serializable" "$tmp/txn10.sql" 16 prepared
has hot && line "hot c16 serializable" "$tmp/hot.sql" 16 prepared
echo "latencies in ms, CPU in server seconds, memory: BlockDB VmHWM, PostgreSQL peak summed PSS"
echo "BlockDB idle RSS after the runs: $(awk -v k="$(status_kb "$bdb_pid" VmRSS)" \
  'BEGIN {printf "%.1f", k / 1024}') MiB; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
