#!/usr/bin/env python3
"""pgbench against a real blockdb-server in each query mode (simple, extended, prepared): a
custom script (pgbench -i needs TRUNCATE, which an append-only database refuses) inserting rows
with a random key and reading one back; no transaction may fail and every insert must be there.

Usage: pgbench_test.py BLOCKDB_SERVER_BINARY
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from psycopg_test import start_server, stop_server  # noqa: E402

CLIENTS = 4
TRANSACTIONS = 50  # per client
SCRIPT = """\\set id random(1, 1000000000000)
INSERT INTO bench VALUES (:id, 'abc', :client_id, '0123456789012345678901234567890123456789');
SELECT n FROM bench WHERE id = :id;
"""


def psql(port, sql):
    out = subprocess.run(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                          "-p", str(port), "-U", "blockdb", "blockdb", "-c", sql],
                         capture_output=True, text=True, timeout=60, check=True)
    return out.stdout.strip()


def main():
    pgbench = shutil.which("pgbench") or "/usr/lib/postgresql/15/bin/pgbench"
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "insert.sql")
        with open(script, "w") as f:
            f.write(SCRIPT)
        proc, port = start_server(sys.argv[1], os.path.join(tmp, "data"))
        try:
            psql(port, "CREATE TABLE bench (id BIGINT PRIMARY KEY, t TEXT, n BIGINT, f TEXT)")
            expected = 0
            for mode in ("simple", "extended", "prepared"):
                run = subprocess.run(
                    [pgbench, "-n", "-h", "127.0.0.1", "-p", str(port), "-U", "blockdb",
                     "-f", script, "-c", str(CLIENTS), "-t", str(TRANSACTIONS), "-M", mode,
                     "blockdb"], capture_output=True, text=True, timeout=300)
                out = run.stdout + run.stderr
                assert run.returncode == 0, f"{mode}: pgbench failed:\n{out}"
                done = re.search(r"number of transactions actually processed: (\d+)", out)
                assert done and int(done.group(1)) == CLIENTS * TRANSACTIONS, f"{mode}:\n{out}"
                failed = re.search(r"number of failed transactions: (\d+)", out)
                assert failed and failed.group(1) == "0", f"{mode}:\n{out}"
                expected += CLIENTS * TRANSACTIONS
                count = int(psql(port, "SELECT count(*) FROM bench"))
                # Random keys may repeat (a duplicate would have failed its transaction above).
                assert count == expected, f"{mode}: {count} rows, expected {expected}"
                print(f"pgbench -M {mode}: {done.group(1)} transactions, 0 failed")
        finally:
            stop_server(proc)


if __name__ == "__main__":
    main()
