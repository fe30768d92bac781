#!/usr/bin/env python3
"""node-postgres against a real blockdb-server: runs node_pg_test.js with the pg package that
scripts/install-deps.sh installs into tests/clients/node/node_modules.

Usage: node_pg_test.py BLOCKDB_SERVER_BINARY
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from psycopg_test import start_server, stop_server  # noqa: E402


def main():
    if not os.path.isdir(os.path.join(HERE, "node_modules", "pg")):
        sys.exit("node-postgres is not installed: run scripts/install-deps.sh")
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start_server(sys.argv[1], os.path.join(tmp, "data"))
        try:
            result = subprocess.run(["node", os.path.join(HERE, "node_pg_test.js"), str(port)],
                                    capture_output=True, text=True, timeout=120, cwd=HERE)
            sys.stdout.write(result.stdout + result.stderr)
        finally:
            stop_server(proc)
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
