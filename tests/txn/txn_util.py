"""Shared helpers of the transaction tests (tests/txn/): a blockdb-server process in a temporary
data directory on ports the kernel picks, psycopg2 connections, and the retry loop a client runs
around a serializable transaction.

Scale: BLOCKDB_TXN_SCALE (default 1) multiplies the iteration counts of every test in this
directory, for long runs (`make soak`).
"""
import atexit
import os
import re
import signal
import subprocess
import threading
import time

import psycopg2
import psycopg2.errors
import psycopg2.extensions

START_DEADLINE_S = 60
RETRY_CODES = ("40001", "40P01")  # serialization failure, deadlock victim: roll back and retry


def scale(n):
    """n iterations times BLOCKDB_TXN_SCALE (at least 1)."""
    return max(1, int(n * float(os.environ.get("BLOCKDB_TXN_SCALE", "1"))))


class Server:
    """One blockdb-server process on a data directory; start() may be called again after
    kill() or stop() to restart it on the same directory (on a new port)."""

    def __init__(self, binary, data_dir, settings=()):
        self.binary = binary
        self.data_dir = data_dir
        self.settings = list(settings)  # "section.key=value" overrides
        self.proc = None
        self.port = None
        self.log_path = None
        self.starts = 0

    def start(self):
        assert self.proc is None, "server already running"
        self.starts += 1
        self.log_path = os.path.join(os.path.dirname(self.data_dir),
                                     f"server-{self.starts}.log")
        env = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKDB_")}
        args = [self.binary, "--data-dir", self.data_dir, "--pg-port", "0", "--http-port", "0"]
        for s in self.settings:
            args += ["--set", s]
        # The log goes to a file: a pipe nobody drains would block the server once full.
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)
        if self.starts == 1:
            atexit.register(self._kill_if_running)  # a failed test leaves no server behind
        deadline = time.monotonic() + START_DEADLINE_S
        while time.monotonic() < deadline:
            with open(self.log_path) as f:
                match = re.search(r"pgwire listening on 127\.0\.0\.1:(\d+)", f.read())
            if match:
                self.port = int(match.group(1))
                return self
            if self.proc.poll() is not None:
                break
            # Poll the log file; the event never fires, it only paces the loop.
            threading.Event().wait(0.01)
        self.proc.kill()
        self.proc.wait()
        self.proc = None
        raise AssertionError("server did not start:\n" + self.log())

    def _kill_if_running(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def kill(self):
        """SIGKILL: no shutdown at all, as in a crash."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=START_DEADLINE_S)
        self.proc = None

    def stop(self):
        """SIGTERM, which must end the server with exit code 0."""
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=START_DEADLINE_S)
        self.proc = None
        assert code == 0, f"server exited {code} after SIGTERM:\n{self.log()}"

    def connect(self, autocommit=False, isolation=None):
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="blockdb",
                                dbname="blockdb", connect_timeout=30)
        conn.autocommit = autocommit
        if isolation is not None:
            conn.set_session(isolation_level=isolation)
        return conn

    def execute(self, sql, args=None):
        """One autocommit statement on a fresh connection; returns the rows or None."""
        conn = self.connect(autocommit=True)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, args)
                return cur.fetchall() if cur.description else None
        finally:
            conn.close()


ISOLATION = {
    "serializable": psycopg2.extensions.ISOLATION_LEVEL_SERIALIZABLE,
    "repeatable read": psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ,
    "read committed": psycopg2.extensions.ISOLATION_LEVEL_READ_COMMITTED,
}


def sqlstate(e):
    return getattr(e, "pgcode", None)


def retrying(conn, body, attempts=1000, on_abort=None):
    """Runs body(cursor) in a transaction and commits it, rolling back and running it again when
    the server answers 40001 or 40P01 (what a client of a serializable database must do). Returns
    (body's result, number of aborts). on_abort(error) is called for each aborted attempt."""
    aborts = 0
    for _ in range(attempts):
        try:
            with conn.cursor() as cur:
                result = body(cur)
            conn.commit()
            return result, aborts
        except psycopg2.Error as e:
            conn.rollback()
            if sqlstate(e) not in RETRY_CODES:
                raise
            aborts += 1
            if on_abort is not None:
                on_abort(e)
    raise AssertionError(f"no commit after {attempts} attempts")


def run_threads(targets, timeout_s=300):
    """Runs each callable in its own thread; re-raises the first exception any of them raised."""
    errors = []

    def wrap(fn):
        def run():
            try:
                fn()
            except BaseException as e:  # noqa: B902 - reported to the main thread
                errors.append(e)
        return run

    threads = [threading.Thread(target=wrap(t), daemon=True) for t in targets]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout_s
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
        if t.is_alive():
            raise AssertionError(f"a client thread still runs after {timeout_s} s (a hang?)")
    if errors:
        raise errors[0]
