#!/usr/bin/env python3
"""A recorded history checked for dependency cycles (Elle-style, tests/txn/elle_check.py).

Usage: elle_test.py BLOCKDB_SERVER_BINARY [ISOLATION] [psycopg2|psycopg3]

Several psycopg2 clients (or psycopg 3 ones: the extended protocol, statements prepared after a
few runs) run many short SERIALIZABLE transactions against a real
blockdb-server over a few append-only lists (table lists: one row per element, list key k,
position pos, unique value v). A transaction reads lists (one key, or a range of keys in one
SELECT, sometimes fetched through a cursor a few rows at a time) and appends to them (finds the
list's next position, by max, count or ORDER BY DESC LIMIT 1, and inserts there; or one INSERT
... SELECT). Some transactions are READ ONLY blocks, some single autocommit SELECTs or
INSERT ... SELECTs. Aborted attempts (40001, 40P01, 23505 on a position taken meanwhile) are
recorded as aborted and retried with new values. After the run the final lists give the version
order (the same after a restart); the checker builds the ww/wr/rw graph of the committed
transactions and fails on any cycle, aborted or intermediate read, lost write or read that is
not a prefix.

ISOLATION ("serializable" by default) may name a weaker level to see the checker at work: under
"read committed" runs report G-single and G2 cycles.

BLOCKDB_SEED replays a run's choices (the interleaving is the server's); BLOCKDB_TXN_SCALE
multiplies the number of transactions.
"""
import os
import random
import sys
import tempfile
import threading

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import psycopg2  # noqa: E402
import elle_check  # noqa: E402
from txn_util import ISOLATION, RETRY_CODES, Server, run_threads, scale  # noqa: E402

# The driver's base exception class; psycopg 3 replaces it (main()).
DRIVER = {"Error": psycopg2.Error}


def sqlstate(e):
    return getattr(e, "pgcode", None) or getattr(e, "sqlstate", None)


def connect(server, driver, autocommit=False, isolation=None):
    if driver == "psycopg2":
        return server.connect(autocommit=autocommit,
                              isolation=None if isolation is None else ISOLATION[isolation])
    import psycopg
    conn = psycopg.connect(host="127.0.0.1", port=server.port, user="blockdb",
                           dbname="blockdb", autocommit=autocommit)
    if isolation is not None:
        conn.isolation_level = psycopg.IsolationLevel[isolation.upper().replace(" ", "_")]
    return conn


def set_read_only(conn, read_only):
    if hasattr(conn, "read_only"):
        conn.read_only = read_only  # psycopg 3
    else:
        conn.readonly = read_only

CLIENTS = 4
KEYS = 6


class History:
    def __init__(self):
        self.lock = threading.Lock()
        self.txns = []
        self.next_id = 0
        self.next_value = 0

    def new_id(self):
        with self.lock:
            self.next_id += 1
            return self.next_id

    def new_value(self):
        with self.lock:
            self.next_value += 1
            return self.next_value

    def add(self, txn):
        with self.lock:
            self.txns.append(txn)


# Ways to read lists lo..hi in one SELECT (each must lock the whole range it covers).
READS = [
    "SELECT k, v FROM lists WHERE k BETWEEN {lo} AND {hi} ORDER BY k, pos",
    "SELECT k, v FROM lists WHERE k >= {lo} AND k < {hi} + 1 ORDER BY k, pos",
    "SELECT k, v FROM lists WHERE k IN ({keys}) ORDER BY k, pos",
    "SELECT k, v FROM lists WHERE k + 0 BETWEEN {lo} AND {hi} ORDER BY k, pos",  # no key range
]

# Ways to find the next position of a list before inserting there.
NEXT_POSITION = [
    "SELECT coalesce(max(pos), 0) + 1 FROM lists WHERE k = %s",
    "SELECT count(*) + 1 FROM lists WHERE k = %s",
    "SELECT coalesce((SELECT pos FROM lists WHERE k = %s ORDER BY pos DESC LIMIT 1), 0) + 1",
]


def read_lists(cur, lo, hi, ops, rng, conn=None):
    """Reads lists lo..hi in one SELECT; with conn (in a block), sometimes through a server-side
    cursor fetched two rows at a time (DECLARE, then FETCH FORWARD 2 until done)."""
    keys = ", ".join(str(k) for k in range(lo, hi + 1))
    sql = rng.choice(READS).format(lo=lo, hi=hi, keys=keys)
    # (psycopg 3 closes its server-side cursors by looking in pg_cursors, which BlockDB lacks.)
    if conn is not None and rng.random() < 0.25 and hasattr(conn, "readonly"):
        with conn.cursor(name=f"c{rng.randrange(1 << 30)}") as named:
            named.itersize = 2
            named.execute(sql)
            rows = list(named)
    else:
        cur.execute(sql)
        rows = cur.fetchall()
    got = {k: [] for k in range(lo, hi + 1)}
    for k, v in rows:
        got[k].append(v)
    for k in range(lo, hi + 1):
        ops.append(("read", k, got[k]))


def append(cur, key, value, ops, rng):
    ops.append(("append", key, value))
    way = rng.randrange(len(NEXT_POSITION) + 1)
    if way == len(NEXT_POSITION):
        # The read and the insert in one statement.
        cur.execute("INSERT INTO lists (k, pos, v) SELECT %s, coalesce(max(pos), 0) + 1, %s "
                    "FROM lists WHERE k = %s", (key, value, key))
        return
    cur.execute(NEXT_POSITION[way], (key,))
    pos = cur.fetchone()[0]
    cur.execute("INSERT INTO lists (k, pos, v) VALUES (%s, %s, %s)", (key, pos, value))


def plan(rng):
    """The micro-operations of one transaction: 1 to 4 reads and appends."""
    ops = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        if kind < 0.45:
            ops.append(("append", rng.randrange(KEYS)))
        elif kind < 0.75:
            k = rng.randrange(KEYS)
            ops.append(("read", k, k))
        else:
            lo = rng.randrange(KEYS - 1)
            ops.append(("read", lo, min(KEYS - 1, lo + rng.randint(1, 3))))
    return ops


def client(server, history, rng, txns, stats, isolation, driver):
    conn = connect(server, driver, isolation=isolation)
    auto = connect(server, driver, autocommit=True)
    try:
        for _ in range(txns):
            mode = rng.random()
            if mode < 0.1:
                # One autocommit SELECT: a committed transaction of one read.
                ops = []
                lo = rng.randrange(KEYS)
                read_lists(auto.cursor(), lo, KEYS - 1, ops, rng)
                history.add(elle_check.Txn(history.new_id(), True, ops))
                continue
            if mode < 0.15:
                # One autocommit INSERT ... SELECT: it locks what it reads, too.
                tid, value, k = history.new_id(), history.new_value(), rng.randrange(KEYS)
                try:
                    auto.cursor().execute(
                        "INSERT INTO lists (k, pos, v) SELECT %s, coalesce(max(pos), 0) + 1, %s "
                        "FROM lists WHERE k = %s", (k, value, k))
                    history.add(elle_check.Txn(tid, True, [("append", k, value)]))
                except DRIVER["Error"] as e:
                    history.add(elle_check.Txn(tid, False, [("append", k, value)]))
                    if sqlstate(e) not in RETRY_CODES + ("23505",):
                        raise
                continue
            read_only = mode < 0.3
            steps = [s for s in plan(rng) if not read_only or s[0] == "read"] or \
                [("read", 0, KEYS - 1)]
            set_read_only(conn, read_only)
            while True:
                ops, tid = [], history.new_id()
                try:
                    with conn.cursor() as cur:
                        for step in steps:
                            if step[0] == "read":
                                read_lists(cur, step[1], step[2], ops, rng, conn)
                            else:
                                append(cur, step[1], history.new_value(), ops, rng)
                    conn.commit()
                    history.add(elle_check.Txn(tid, True, ops))
                    stats["committed"] += 1
                    break
                except DRIVER["Error"] as e:
                    conn.rollback()
                    history.add(elle_check.Txn(tid, False, ops))
                    code = sqlstate(e)
                    if code not in RETRY_CODES + ("23505",):
                        raise
                    stats[code] = stats.get(code, 0) + 1
    finally:
        conn.close()
        auto.close()


def main():
    elle_check.self_test()
    seed = int(os.environ.get("BLOCKDB_SEED", random.randrange(1 << 30)))
    print(f"seed {seed} (rerun with BLOCKDB_SEED={seed})")
    txns = scale(150)  # per client
    isolation = sys.argv[2] if len(sys.argv) > 2 else "serializable"
    driver = sys.argv[3] if len(sys.argv) > 3 else "psycopg2"
    if driver == "psycopg3":
        import psycopg
        DRIVER["Error"] = psycopg.Error
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(sys.argv[1], os.path.join(tmp, "data")).start()
        try:
            server.execute("CREATE TABLE lists (k BIGINT, pos BIGINT, v BIGINT, "
                           "PRIMARY KEY (k, pos))")
            history = History()
            stats = [{"committed": 0} for _ in range(CLIENTS)]
            rngs = [random.Random(seed * 100 + c) for c in range(CLIENTS)]
            run_threads([lambda c=c: client(server, history, rngs[c], txns, stats[c], isolation,
                                        driver)
                         for c in range(CLIENTS)])
            final = {k: [] for k in range(KEYS)}
            for k, pos, v in server.execute("SELECT k, pos, v FROM lists ORDER BY k, pos"):
                assert pos == len(final[k]) + 1, f"list {k}: position {pos} after {final[k]}"
                final[k].append(v)
            # The same lists after a restart.
            server.stop()
            server.start()
            again = server.execute("SELECT k, v FROM lists ORDER BY k, pos")
            assert again == [(k, v) for k in range(KEYS) for v in final[k]], \
                "the lists changed across a restart"
        except BaseException:
            if server.proc is not None:
                print(server.log()[-4000:], file=sys.stderr)
            raise
        server.stop()
    problems = elle_check.check(history.txns, final)
    total = {}
    for s in stats:
        for k, v in s.items():
            total[k] = total.get(k, 0) + v
    reads = sum(1 for t in history.txns if t.committed for op in t.ops if op[0] == "read")
    appends = sum(len(v) for v in final.values())
    print(f"{driver}, {isolation}: {len(history.txns)} transactions recorded, {total}, "
          f"{reads} list reads and {appends} appends committed")
    for p in problems[:20]:
        print(p)
    assert not problems, f"{len(problems)} anomalies (seed {seed})"
    assert appends > 0 and reads > 0


if __name__ == "__main__":
    main()
