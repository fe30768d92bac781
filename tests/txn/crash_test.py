#!/usr/bin/env python3
"""Atomicity of multi-row transactions across kill -9 of the server.

Usage: crash_test.py BLOCKDB_SERVER_BINARY

Round after round, three psycopg2 writers commit 10-row transactions (single-row INSERTs, then
a multi-row one or a COPY FROM STDIN; every 7th has 300 rows, which lock the whole table; every
third also inserts a row after a SAVEPOINT and rolls back to it) against a real
blockdb-server, and the server is killed with SIGKILL after a random number of acknowledged
commits, while commits are in flight. It is restarted on the same data directory, and then:
  - every transaction id has all of its rows or none (through the primary key and through a
    secondary index, and its one row in a table with hidden row ids and in one with an
    identity key), and no row rolled back to a savepoint exists;
  - every COMMIT that was acknowledged is there; every transaction there was sent;
  - a transaction's rows are consecutive ledger entries (a few checked each round);
  - VERIFY CHAIN answers status ok.

BLOCKDB_CRASH_CYCLES sets the number of rounds (default 6; `make soak` runs many more);
BLOCKDB_SEED replays the kill points.
"""
import io
import os
import random
import sys
import tempfile
import threading

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import psycopg2  # noqa: E402
from txn_util import RETRY_CODES, Server  # noqa: E402

ROWS = 10
BIG_ROWS = 300  # every 7th transaction: more rows than are locked one by one (256)


def size(txn):
    return BIG_ROWS if txn % 7 == 0 else ROWS
WRITERS = 3
ACK_DEADLINE_S = 120


class Writes:
    """What the writers sent and what the server acknowledged, across rounds."""

    def __init__(self):
        self.cond = threading.Condition()
        self.next_txn = 0
        self.sent = set()   # COMMIT sent (acknowledged or not)
        self.acked = set()  # COMMIT answered OK (or found committed after a kill)
        self.absent = set()  # COMMIT in flight at a kill, and found not committed

    def new_txn(self):
        with self.cond:
            self.next_txn += 1
            return self.next_txn


def writer(server, writes, stop, retried):
    """Commits transactions until the server goes away (or stop is set); a transaction aborted
    with 40P01 or 40001 (the big ones lock the whole table) is rolled back and forgotten."""
    try:
        conn = server.connect()
    except psycopg2.OperationalError:
        return  # killed before this writer connected
    try:
        while not stop.is_set():
            txn = writes.new_txn()
            try:
                write(conn, txn, writes)
            except psycopg2.Error as e:
                if e.pgcode not in RETRY_CODES:
                    raise
                conn.rollback()
                with writes.cond:
                    writes.absent.add(txn)  # answered: not committed
                retried[0] += 1
    except (psycopg2.OperationalError, psycopg2.InterfaceError) as e:
        if not conn.closed and getattr(e, "pgcode", None) is not None:
            raise
        # The server was killed: whatever was in flight may or may not have committed.
    finally:
        conn.close()


def write(conn, txn, writes):
    cur = conn.cursor()
    for n in range(ROWS - 4):
        cur.execute("INSERT INTO ct VALUES (%s, %s, %s)", (txn, n, f"row {n} of {txn}"))
    if txn % 3 == 0:
        cur.execute("SAVEPOINT s")
        cur.execute("INSERT INTO ct VALUES (%s, -1, 'rolled back')", (txn,))
        cur.execute("ROLLBACK TO SAVEPOINT s")
    rest = range(ROWS - 4, size(txn))
    if txn % 5 == 0:
        # COPY FROM STDIN inside the block.
        data = "".join(f"{txn}\t{n}\trow {n} of {txn}\n" for n in rest)
        cur.copy_expert("COPY ct (txn, n, payload) FROM STDIN", io.StringIO(data))
    else:
        cur.execute("INSERT INTO ct VALUES " + ", ".join(
            f"({txn}, {n}, 'row {n} of {txn}')" for n in rest))
    # One more row in a table with hidden row ids and one with an identity key: after a restart
    # new ids must not reuse ones already on disk.
    cur.execute("INSERT INTO ct_log VALUES (%s)", (txn,))
    cur.execute("INSERT INTO ct_ident (txn) VALUES (%s)", (txn,))
    with writes.cond:
        writes.sent.add(txn)
    conn.commit()
    with writes.cond:
        writes.acked.add(txn)
        writes.cond.notify_all()


def check(server, writes, round_no):
    conn = server.connect(autocommit=True)
    cur = conn.cursor()
    cur.execute("SELECT txn, count(*) FROM ct GROUP BY txn")
    present = dict(cur.fetchall())
    for table in ("ct_log", "ct_ident"):
        cur.execute(f"SELECT txn FROM {table}")
        for (t,) in cur.fetchall():
            present[t] = present.get(t, 0) + 1
    partial = {t: c for t, c in present.items() if c != size(t) + 2}
    assert not partial, f"round {round_no}: transactions with some of their rows: {partial}"
    missing = writes.acked - set(present)
    assert not missing, f"round {round_no}: acknowledged commits lost: {sorted(missing)[:20]}"
    unsent = set(present) - (writes.sent - writes.absent)
    assert not unsent, f"round {round_no}: transactions never committed are there: {unsent}"
    # The secondary index holds exactly the rows the table holds.
    for n, expected in ((0, len(present)), (ROWS - 1, len(present)),
                        (BIG_ROWS - 1, sum(1 for t in present if size(t) == BIG_ROWS))):
        cur.execute("SELECT count(*) FROM ct WHERE n = %s", (n,))
        by_index = cur.fetchone()[0]
        assert by_index == expected, f"round {round_no}: index has {by_index} rows n={n}"
    cur.execute("SELECT count(*) FROM ct WHERE n = -1")
    assert cur.fetchone()[0] == 0, f"round {round_no}: a row rolled back to a savepoint is there"
    # A transaction's rows (each a ledger entry, and one more for its index entry) are
    # consecutive ledger entries: a few 10-row ones span at most 2 * 10 entries, and no two of
    # them overlap.
    small = sorted(t for t in present if size(t) == ROWS)
    spans = []
    for t in random.Random(len(present)).sample(small, min(5, len(small))):
        leaves = []
        for n in range(ROWS):
            cur.execute("SELECT leaf_index FROM blockdb_inclusion_proof('ct', %s, %s)", (t, n))
            leaves.append(cur.fetchone()[0])
        spans.append((min(leaves), max(leaves), t))
        assert len(set(leaves)) == ROWS and max(leaves) - min(leaves) < 2 * ROWS, \
            f"round {round_no}: transaction {t} has ledger entries {sorted(leaves)}"
    spans.sort()
    for a, b in zip(spans, spans[1:]):
        assert a[1] < b[0], f"round {round_no}: ledger entries of two transactions interleave: " \
            f"{a}, {b}"
    cur.execute("VERIFY CHAIN")
    names = [d[0] for d in cur.description]
    row = dict(zip(names, cur.fetchone()))
    assert row["status"] == "ok", f"round {round_no}: VERIFY CHAIN: {row}"
    conn.close()
    return set(present)


def main():
    seed = int(os.environ.get("BLOCKDB_SEED", random.randrange(1 << 30)))
    rounds = int(os.environ.get("BLOCKDB_CRASH_CYCLES", "6"))
    print(f"seed {seed} (rerun with BLOCKDB_SEED={seed}), {rounds} rounds")
    rng = random.Random(seed)
    writes = Writes()
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(sys.argv[1], os.path.join(tmp, "data")).start()
        try:
            server.execute("CREATE TABLE ct (txn BIGINT, n INT, payload TEXT, "
                           "PRIMARY KEY (txn, n))")
            server.execute("CREATE INDEX ct_n ON ct (n)")
            server.execute("CREATE TABLE ct_log (txn BIGINT)")
            server.execute("CREATE TABLE ct_ident (id BIGINT GENERATED ALWAYS AS IDENTITY "
                           "PRIMARY KEY, txn BIGINT)")
            in_flight_total = 0
            retried = [0]
            for r in range(1, rounds + 1):
                target = len(writes.acked) + rng.randint(1, 40)
                stop = threading.Event()
                threads = [threading.Thread(target=writer, args=(server, writes, stop, retried))
                           for _ in range(WRITERS)]
                for t in threads:
                    t.start()
                with writes.cond:
                    reached = writes.cond.wait_for(lambda: len(writes.acked) >= target,
                                                   timeout=ACK_DEADLINE_S)
                server.kill()
                stop.set()
                for t in threads:
                    t.join(ACK_DEADLINE_S)
                    assert not t.is_alive(), "a writer hangs after the server was killed"
                assert reached, f"round {r}: {len(writes.acked)} commits, expected {target}"
                in_flight_total += len(writes.sent - writes.acked - writes.absent)
                server.start()
                present = check(server, writes, r)
                # The commits in flight at the kill are settled now: each is there for good
                # (later rounds must keep it) or never was (later rounds must not show it).
                with writes.cond:
                    for t in writes.sent - writes.acked - writes.absent:
                        (writes.acked if t in present else writes.absent).add(t)
                print(f"round {r}: killed after {target} acknowledged commits; "
                      f"{len(present)} transactions whole after restart")
            server.stop()
            server.start()
            check(server, writes, "final")
            server.stop()
        except BaseException:
            if server.proc is not None:
                print(server.log()[-4000:], file=sys.stderr)
                server.kill()
            raise
    print(f"{rounds} kills, {len(writes.acked)} acknowledged commits all there, "
          f"{in_flight_total} commits in flight at a kill, each all or nothing; {retried[0]} "
          f"transactions aborted by the lock manager")


if __name__ == "__main__":
    main()
