#!/usr/bin/env bash
# BI-style queries against blockdb-server and PostgreSQL 15 side by side, in the same run, on the
# same machine and the same rows, both through psql over TCP on 127.0.0.1 (trust authentication,
# user and database blockdb).
#
# Tables, the same on both, loaded by COPY from one generated file each:
#   accounts (id INT PRIMARY KEY, name TEXT, region TEXT)             1000 rows, 8 regions
#   transactions (id BIGINT PRIMARY KEY, account_id INT, amount NUMERIC(12,2),
#                 created_at TIMESTAMP, memo TEXT)                      ROWS rows (10^6)
# Rows come from a fixed pseudo-random sequence (account, amount from -5000.00 to 14999.99, a
# time in 2026), so every run loads the same data.
#
# Queries (bench/bi/queries.sql, one per line after its name): a join with GROUP BY, GROUP BY
# day with date_trunc, join + GROUP BY day and region, top-N per group with row_number and rank
# over a partition, a plain top-N ORDER BY ... LIMIT, count(DISTINCT ...), a filtered aggregate.
#
# Each query runs once on each server to compare results (psql's unaligned output, headers and
# row count included; a difference is printed as MISMATCH with a diff and makes the script exit 1),
# then REPS more times; the figure is the median of psql's \timing of those runs (client side,
# so both include the wire). Ratio = PostgreSQL time / BlockDB time (above 1: BlockDB faster);
# the geometric mean of the ratios closes the table. Beside it, the servers' CPU time per run
# (from /proc: BlockDB's process; PostgreSQL's postmaster with its backends and parallel
# workers), which depends less on what else the machine runs, and its ratio.
#
# Usage: run_bi_bench.sh [-s BLOCKDB_SERVER] [-r ROWS] [-n REPS] [-q QUERY_NAME_REGEX]
#   [-f QUERIES_FILE]  (default bench/bi/queries.sql)
# Environment: BI_BENCH_SERVER, BI_BENCH_ROWS (1000000), BI_BENCH_REPS (3),
#   PG_BINDIR (/usr/lib/postgresql/15/bin). PostgreSQL runs with its defaults (parallel query
#   included); running as root, it runs as user postgres (it refuses root).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
server=${BI_BENCH_SERVER:-$here/../../build/bin/blockdb-server}
rows=${BI_BENCH_ROWS:-1000000}
reps=${BI_BENCH_REPS:-3}
only=.
queries=$here/queries.sql
pg_bindir=${PG_BINDIR:-/usr/lib/postgresql/15/bin}

while getopts "s:r:n:q:f:h" opt; do
  case $opt in
    s) server=$OPTARG ;;
    r) rows=$OPTARG ;;
    n) reps=$OPTARG ;;
    q) only=$OPTARG ;;
    f) queries=$OPTARG ;;
    *) sed -n '2,29p' "${BASH_SOURCE[0]}"; exit 2 ;;
  esac
done
[[ $rows =~ ^[0-9]+$ && $rows -ge 1000 && $rows -le 10000000 ]] ||
  { echo "rows must be 1000..10000000" >&2; exit 2; }
[[ $reps =~ ^[0-9]+$ && $reps -ge 1 && $reps -le 50 ]] || { echo "reps must be 1..50" >&2; exit 2; }

psql_bin=$(command -v psql || echo "$pg_bindir/psql")
for tool in "$server" "$psql_bin" "$pg_bindir/initdb" "$pg_bindir/postgres"; do
  [[ -x $tool ]] || { echo "missing executable: $tool" >&2; exit 1; }
done

tmp=$(mktemp -d -t blockdb-bi.XXXXXX)
chmod 755 "$tmp"
bdb_pid=""
pg_pid=""
pg_child=""
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

# Waits (with a deadline) until a log line matches; prints the match.
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

# --- BlockDB, with its defaults ---
unset_blockdb=()
for var in $(compgen -e | grep '^BLOCKDB_' || true); do unset_blockdb+=(-u "$var"); done
env "${unset_blockdb[@]}" "$server" --data-dir "$tmp/blockdb" --pg-port 0 --http-port 0 \
  >"$tmp/blockdb.log" 2>&1 &
bdb_pid=$!
bdb_port=$(wait_for_log "$tmp/blockdb.log" 'pgwire listening on 127\.0\.0\.1:[0-9]+' BlockDB \
  "$bdb_pid" | sed 's/.*://')

# --- PostgreSQL 15, with its defaults ---
mkdir -p "$tmp/pg"
chown postgres: "$tmp/pg" 2>/dev/null || true
"${as_pg[@]}" "$pg_bindir/initdb" -D "$tmp/pg/data" -U blockdb --auth=trust --locale=C \
  --encoding=UTF8 --no-instructions >"$tmp/initdb.log" 2>&1 \
  || { cat "$tmp/initdb.log" >&2; exit 1; }
pg_port=$(free_port)
"${as_pg[@]}" "$pg_bindir/postgres" -D "$tmp/pg/data" -p "$pg_port" -k "$tmp/pg" \
  -c listen_addresses=127.0.0.1 -c lc_messages=C >"$tmp/pg/postgres.log" 2>&1 &
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

run_sql() {  # port psql-args...
  local port=$1
  shift
  "$psql_bin" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U blockdb -d blockdb "$@"
}

# --- Data ---
python3 - "$rows" "$tmp" <<'PY'
import sys, datetime
rows, tmp = int(sys.argv[1]), sys.argv[2]
regions = ["north", "south", "east", "west", "central", "alpine", "coastal", "islands"]
with open(tmp + "/accounts.tsv", "w") as f:
    for i in range(1, 1001):
        f.write("%d\taccount %04d\t%s\n" % (i, i, regions[(i * 7 + i // 100) % 8]))
base = datetime.datetime(2026, 1, 1)
year = 365 * 86400
x = 88172645463325252
mask = (1 << 64) - 1
out = []
with open(tmp + "/transactions.tsv", "w") as f:
    for i in range(1, rows + 1):
        x = (x * 6364136223846793005 + 1442695040888963407) & mask
        account = (x >> 33) % 1000 + 1
        cents = (x >> 11) % 2000000 - 500000
        when = base + datetime.timedelta(seconds=(x >> 24) % year)
        sign = "-" if cents < 0 else ""
        out.append("%d\t%d\t%s%d.%02d\t%s\tpayment %d to account %d\n" % (
            i, account, sign, abs(cents) // 100, abs(cents) % 100,
            when.strftime("%Y-%m-%d %H:%M:%S"), i, account))
        if len(out) == 100000:
            f.writelines(out)
            out = []
    f.writelines(out)
PY

echo "BI queries: $rows transactions, 1000 accounts; PostgreSQL $("$pg_bindir/postgres" \
  --version | awk '{print $3}'); median of $reps runs after one checked run;" \
  "$(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for port in "$bdb_port" "$pg_port"; do
  run_sql "$port" -c 'CREATE TABLE accounts (id INT PRIMARY KEY, name TEXT NOT NULL,
    region TEXT NOT NULL)'
  run_sql "$port" -c 'CREATE TABLE transactions (id BIGINT PRIMARY KEY, account_id INT NOT NULL,
    amount NUMERIC(12,2) NOT NULL, created_at TIMESTAMP NOT NULL, memo TEXT)'
  start=$(date +%s.%N)
  run_sql "$port" -c '\copy accounts FROM STDIN' <"$tmp/accounts.tsv"
  run_sql "$port" -c '\copy transactions FROM STDIN' <"$tmp/transactions.tsv"
  got=$(run_sql "$port" -At -c 'SELECT count(*) FROM transactions')
  [[ $got == "$rows" ]] || { echo "load: $got rows, expected $rows" >&2; exit 1; }
  [[ $port == "$bdb_port" ]] && name=BlockDB || name=PostgreSQL
  echo "$name COPY load: $(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}') s"
done
run_sql "$pg_port" -c 'VACUUM ANALYZE'
# BlockDB flushes and compacts in the background after a bulk load: wait (at most 60 s) until its
# CPU use over one second is below 5% of a core, so that the first queries do not pay for that.
cpu_ticks() {  # pid: utime + stime of the process and of the children it has reaped
  awk '{sub(/.*\) /, ""); print $12 + $13 + $14 + $15}' "/proc/$1/stat"
}
# CPU ticks of a server: BlockDB is one process; PostgreSQL is the postmaster with the backends
# and parallel workers it has reaped and those still alive.
server_ticks() {  # pid
  local total pid
  total=$(cpu_ticks "$1")
  for pid in $(cat "/proc/$1/task/"*/children 2>/dev/null); do
    total=$((total + $(cpu_ticks "$pid" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
children_of() {  # pid
  cat "/proc/$1/task/"*/children 2>/dev/null | wc -w
}
clk_tck=$(getconf CLK_TCK)
settle_start=$SECONDS
prev=$(cpu_ticks "$bdb_pid")
while ((SECONDS < settle_start + 60)); do
  sleep 1
  now=$(cpu_ticks "$bdb_pid")
  (((now - prev) * 20 < clk_tck)) && break
  prev=$now
done
echo "BlockDB idle after the load within $((SECONDS - settle_start)) s"

# Runs one query: once to $tmp/NAME.SERVER.out, then $reps times; prints the median ms of the
# timed runs and the server's CPU ms per run (all 1 + reps runs, from /proc).
time_query() {  # port pid name server sql
  local port=$1 pid=$2 name=$3 who=$4 sql=$5 script="$tmp/$3.$4.sql" i
  {
    echo '\timing on'
    echo "\\o $tmp/$name.$who.out"
    echo "$sql;"
    echo '\o /dev/null'
    for ((i = 0; i < reps; i++)); do echo "$sql;"; done
  } >"$script"
  local children before after deadline median
  children=$(children_of "$pid")
  before=$(server_ticks "$pid")
  if ! run_sql "$port" -A -F '|' -P pager=off -f "$script" >"$tmp/$name.$who.timing" \
    2>"$tmp/$name.$who.err"; then
    echo "  $name failed on $who: $(head -3 "$tmp/$name.$who.err")" >&2
    echo "nan nan"
    return
  fi
  # PostgreSQL's backend counts once the postmaster has reaped it.
  deadline=$((SECONDS + 10))
  while (($(children_of "$pid") > children)) && ((SECONDS < deadline)); do sleep 0.05; done
  after=$(server_ticks "$pid")
  median=$(sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p' "$tmp/$name.$who.timing" | tail -n "$reps" |
    sort -g | awk '{ v[NR] = $1 }
      END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  echo "$median $(awk -v d=$((after - before)) -v t="$clk_tck" -v n=$((reps + 1)) \
    'BEGIN { printf "%.1f", d * 1000 / t / n }')"
}

printf '%-26s %10s %10s %7s | %8s %8s %7s | %s\n' query bdb_ms pg_ms ratio bdb_cpu pg_cpu \
  cpu_rat result
mismatches=0
failures=0
ratios=()
cpu_ratios=()
while IFS= read -r line; do
  [[ -z $line || $line == --* ]] && continue
  name=${line%%:*}
  sql=${line#*: }
  [[ $name =~ $only ]] || continue
  read -r b b_cpu <<<"$(time_query "$bdb_port" "$bdb_pid" "$name" blockdb "$sql")"
  read -r p p_cpu <<<"$(time_query "$pg_port" "$pg_pid" "$name" postgres "$sql")"
  if [[ $b == nan || $p == nan ]]; then
    failures=$((failures + 1))
    printf '%-26s %10s %10s %7s | %8s %8s %7s | %s\n' "$name" "$b" "$p" - - - - FAILED
    continue
  fi
  if cmp -s "$tmp/$name.blockdb.out" "$tmp/$name.postgres.out"; then
    result="same ($(tail -1 "$tmp/$name.postgres.out" | tr -d '()'))"
  else
    result="MISMATCH"
    mismatches=$((mismatches + 1))
  fi
  ratio=$(awk -v b="$b" -v p="$p" 'BEGIN { printf "%.2f", p / b }')
  cpu_ratio=$(awk -v b="$b_cpu" -v p="$p_cpu" 'BEGIN { if (b > 0) printf "%.2f", p / b; else print "-" }')
  ratios+=("$ratio")
  [[ $cpu_ratio != - && $cpu_ratio != 0.00 ]] && cpu_ratios+=("$cpu_ratio")
  printf '%-26s %10.1f %10.1f %6sx | %8s %8s %6sx | %s\n' "$name" "$b" "$p" "$ratio" "$b_cpu" \
    "$p_cpu" "$cpu_ratio" "$result"
  if [[ $result == MISMATCH ]]; then
    echo "!!! MISMATCH in $name: BlockDB (<) and PostgreSQL (>) differ:" >&2
    diff "$tmp/$name.blockdb.out" "$tmp/$name.postgres.out" | head -20 >&2 || true
  fi
done <"$queries"
geomean() { printf '%s\n' "$@" | awk '{ s += log($1) } END { printf "%.2f", exp(s / NR) }'; }
if ((${#ratios[@]} > 0)); then
  printf '%-26s %10s %10s %6sx | %8s %8s %6sx | %s\n' "geometric mean" "" "" \
    "$(geomean "${ratios[@]}")" "" "" "$( ((${#cpu_ratios[@]} > 0)) && geomean "${cpu_ratios[@]}")" \
    "(target: at least 0.50x)"
fi
echo "ms: median wall time of a run (psql \\timing); cpu: server CPU ms per run; ratios:"
echo "PostgreSQL / BlockDB (above 1: BlockDB faster); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if ((mismatches > 0 || failures > 0)); then
  echo "!!! $mismatches result mismatch(es), $failures failed query(ies)" >&2
  exit 1
fi
