#!/usr/bin/env python3
"""A scripted psql session against a real blockdb-server, compared with a golden file.

Usage: psql_test.py BLOCKDB_SERVER_BINARY [--update]

Runs psql_session.sql through `psql -X -a` (echoing each statement before its output) and
compares everything psql prints, and its exit status, with psql_session.expected. The script
ends with ON_ERROR_STOP and an error, so psql must exit 3 without running the last statement.
--update rewrites the golden file (review the diff before committing it).
"""
import difflib
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from psycopg_test import start_server, stop_server  # noqa: E402


def main():
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start_server(sys.argv[1], os.path.join(tmp, "data"))
        try:
            with open(os.path.join(HERE, "psql_session.sql")) as script:
                env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
                run = subprocess.run(["psql", "-X", "-a", "-h", "127.0.0.1", "-p", str(port),
                                      "-U", "blockdb", "blockdb"], stdin=script,
                                     capture_output=True, text=True, timeout=120, env=env)
        finally:
            stop_server(proc)
    got = (run.stdout + "--- standard error ---\n" + run.stderr +
           f"--- psql exit status {run.returncode} ---\n")
    golden = os.path.join(HERE, "psql_session.expected")
    if "--update" in sys.argv:
        with open(golden, "w") as f:
            f.write(got)
        return
    with open(golden) as f:
        expected = f.read()
    if got != expected:
        sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), got.splitlines(True),
                                                   "psql_session.expected", "psql output"))
        sys.exit(1)
    print("psql session matches psql_session.expected")


if __name__ == "__main__":
    main()
