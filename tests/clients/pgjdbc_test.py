#!/usr/bin/env python3
"""pgjdbc against a real blockdb-server: runs PgjdbcTest.java (Java 11+ single-file source).

Usage: pgjdbc_test.py BLOCKDB_SERVER_BINARY
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from psycopg_test import start_server, stop_server  # noqa: E402

JAR = "/usr/share/java/postgresql.jar"  # Debian libpostgresql-jdbc-java


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start_server(sys.argv[1], os.path.join(tmp, "data"))
        try:
            result = subprocess.run(
                ["java", "-Duser.timezone=America/New_York", "-cp", JAR,
                 os.path.join(here, "PgjdbcTest.java"), str(port)],
                capture_output=True, text=True, timeout=300)
            sys.stdout.write(result.stdout + result.stderr)
        finally:
            stop_server(proc)
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
