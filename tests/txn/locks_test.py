#!/usr/bin/env python3
"""Locks and transaction states over the wire, psycopg2 clients against a real blockdb-server.

Usage: locks_test.py BLOCKDB_SERVER_BINARY CASE
CASE is one of:
  deadlock     cycles of waits through 2 to 5 clients: exactly one victim gets 40P01, the others
               commit, nobody hangs
  disconnect   a client holding locks goes away (Terminate, or the socket shut down without a
               word) in the middle of a transaction: its locks are released, a waiter proceeds
               and the dropped transaction's rows never appear
  timeout      with transaction_timeout = 1 s, a transaction blocking a writer is aborted once
               past its deadline: the writer proceeds, the transaction's next statement gets 25P04
  cancel       a statement waiting for a lock ends with 57014 on a cancel request and on
               statement_timeout, and leaves the lock queue
  limits       past max_transaction_rows or max_transaction_bytes a block fails with 54000 and
               keeps nothing, no lock either
  set-after-query  SET TRANSACTION changing the mode after the block's first query: 25001
  create-index CREATE INDEX waits for the table's writers in flight (55P03 with lock_timeout),
               writers wait for a CREATE INDEX in an open block, and every row of each ends up
               in the index (found through an index scan); a block's own rows queued before its
               CREATE INDEX go into the index at COMMIT, and count in CREATE UNIQUE INDEX's check
  states       a failed statement leaves the block in 25P02 until ROLLBACK, COMMIT of a failed
               block answers ROLLBACK, READ ONLY blocks refuse inserts with 25006, ROLLBACK TO
               SAVEPOINT keeps what came before it, READ ONLY and REPEATABLE READ blocks read
               the snapshot of their BEGIN, the others what was committed since
"""
import os
import socket
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import psycopg2  # noqa: E402
from txn_util import Server, run_threads, scale, sqlstate  # noqa: E402

WAIT_S = 60


def case_deadlock(server):
    server.execute("CREATE TABLE dl (id BIGINT PRIMARY KEY, who INT)")
    rounds = scale(3)
    base = 0
    for n in range(2, 6):
        for r in range(rounds):
            base += 10
            barrier = threading.Barrier(n, timeout=WAIT_S)
            outcome = {}

            def client(j, first=base):
                conn = server.connect()
                cur = conn.cursor()
                cur.execute("INSERT INTO dl VALUES (%s, %s)", (first + j, j))
                barrier.wait()  # every client holds its own key; each now reads the next one
                try:
                    cur.execute("SELECT who FROM dl WHERE id = %s", (first + (j + 1) % n,))
                    cur.fetchall()
                    conn.commit()
                    outcome[j] = "commit"
                except psycopg2.Error as e:
                    outcome[j] = sqlstate(e)
                    conn.rollback()
                conn.close()

            run_threads([lambda j=j: client(j) for j in range(n)], timeout_s=WAIT_S)
            victims = [j for j, o in outcome.items() if o != "commit"]
            assert len(victims) == 1 and outcome[victims[0]] == "40P01", \
                f"cycle of {n}: {outcome}"
            rows = server.execute("SELECT id FROM dl WHERE id >= %s AND id < %s ORDER BY id",
                                  (base, base + n))
            assert [r[0] - base for r in rows] == [j for j in range(n) if j != victims[0]], \
                f"cycle of {n}: victim {victims[0]}, rows {rows}"
    print(f"deadlock: cycles of 2 to 5 clients, {rounds} rounds each, one victim every time")


def drop_socket(conn):
    """Shuts the connection's socket down without a Terminate message, as a crashed client."""
    s = socket.socket(fileno=os.dup(conn.fileno()))
    s.shutdown(socket.SHUT_RDWR)
    s.close()


def case_disconnect(server):
    server.execute("CREATE TABLE dc (id BIGINT PRIMARY KEY, who TEXT)")
    for way in ("terminate", "socket shutdown"):
        for holds in ("range read", "insert"):
            key = 1000 + len(way) * 10 + len(holds)
            holder = server.connect()
            cur = holder.cursor()
            if holds == "range read":
                cur.execute("SELECT count(*) FROM dc WHERE id BETWEEN 1000 AND 2000")
            else:
                cur.execute("INSERT INTO dc VALUES (%s, 'holder')", (key,))
            result = []

            def waiter():
                conn = server.connect(autocommit=True)
                try:
                    # Far below transaction_timeout (30 s), which would free the locks anyway.
                    conn.cursor().execute("SET lock_timeout = 10000")
                    conn.cursor().execute("INSERT INTO dc VALUES (%s, 'waiter')", (key,))
                    result.append("inserted")
                except psycopg2.Error as e:
                    result.append(sqlstate(e))
                conn.close()

            # The waiter cannot insert while the holder's lock stands (55P03 after 100 ms).
            probe = server.connect(autocommit=True)
            probe.cursor().execute("SET lock_timeout = 100")
            try:
                probe.cursor().execute("INSERT INTO dc VALUES (%s, 'probe')", (key,))
                raise AssertionError(f"{way}, {holds}: insert did not wait for the lock")
            except psycopg2.Error as e:
                assert sqlstate(e) == "55P03", f"{way}, {holds}: {sqlstate(e)} {e}"
            probe.close()
            thread = threading.Thread(target=waiter)
            thread.start()
            if way == "terminate":
                holder.close()
            else:
                drop_socket(holder)
            thread.join(WAIT_S)
            assert not thread.is_alive(), f"{way}, {holds}: the waiter still waits"
            assert result == ["inserted"], f"{way}, {holds}: {result}"
            rows = server.execute("SELECT who FROM dc WHERE id = %s", (key,))
            assert rows == [("waiter",)], f"{way}, {holds}: {rows}"
            if way != "terminate":
                holder.close()
    print("disconnect: locks released on Terminate and on a dropped socket")


def case_timeout(binary, tmp):
    server = Server(binary, os.path.join(tmp, "short"),
                    ["cluster.transaction_timeout=1"]).start()
    try:
        server.execute("CREATE TABLE tt (id BIGINT PRIMARY KEY)")
        slow = server.connect()
        cur = slow.cursor()
        start = time.monotonic()
        cur.execute("SELECT count(*) FROM tt WHERE id BETWEEN 1 AND 100")
        writer = server.connect(autocommit=True)
        writer.cursor().execute("INSERT INTO tt VALUES (50)")  # waits until slow expires
        waited = time.monotonic() - start
        assert waited >= 0.9, f"the writer waited {waited:.2f} s, transaction_timeout is 1 s"
        try:
            cur.execute("SELECT count(*) FROM tt")
            raise AssertionError(f"an expired transaction ran a statement: {cur.fetchall()}")
        except psycopg2.Error as e:
            assert sqlstate(e) == "25P04", f"{sqlstate(e)}: {e}"
            assert "transaction_timeout" in str(e), str(e)
        slow.rollback()
        cur.execute("SELECT count(*) FROM tt")
        assert cur.fetchone()[0] == 1
        slow.commit()
        slow.close()
        writer.close()
        print(f"timeout: the blocked writer proceeded after {waited:.2f} s; 25P04 for the "
              f"expired transaction")
    except BaseException:
        print(server.log()[-4000:], file=sys.stderr)
        raise
    server.stop()


def expect_sqlstate(cur, sql, code):
    try:
        cur.execute(sql)
        raise AssertionError(f"{sql}: no error, {code} expected")
    except psycopg2.Error as e:
        assert sqlstate(e) == code, f"{sql}: {sqlstate(e)} {e}, {code} expected"


def waits_until(conn, sql, release):
    """`sql` on autocommit `conn` waits for a lock that release() frees: with lock_timeout it
    fails with 55P03; without, it completes once release() has run."""
    conn.cursor().execute("SET lock_timeout = 200")
    expect_sqlstate(conn.cursor(), sql, "55P03")
    conn.cursor().execute("SET lock_timeout = 0")
    done = []
    thread = threading.Thread(target=lambda: (conn.cursor().execute(sql), done.append(True)))
    thread.start()
    release()
    thread.join(WAIT_S)
    assert done == [True], f"{sql}: did not finish once the lock was released"


def case_states(server):
    server.execute("CREATE TABLE st (id BIGINT PRIMARY KEY)")
    server.execute("INSERT INTO st VALUES (1)")
    conn = server.connect(autocommit=True)  # the test sends BEGIN and COMMIT itself
    cur = conn.cursor()

    def expect_error(sql, code):
        expect_sqlstate(cur, sql, code)

    cur.execute("BEGIN")
    cur.execute("INSERT INTO st VALUES (2)")
    expect_error("INSERT INTO st VALUES (1)", "23505")
    expect_error("SELECT 1", "25P02")
    expect_error("INSERT INTO st VALUES (3)", "25P02")
    cur.execute("COMMIT")
    assert cur.statusmessage == "ROLLBACK", cur.statusmessage
    cur.execute("SELECT id FROM st ORDER BY id")
    assert cur.fetchall() == [(1,)]

    for begin in ("BEGIN READ ONLY", "BEGIN; SET TRANSACTION READ ONLY",
                  "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY"):
        for sql in begin.split("; "):
            cur.execute(sql)
        expect_error("INSERT INTO st VALUES (4)", "25006")
        cur.execute("ROLLBACK")

    cur.execute("BEGIN")
    cur.execute("INSERT INTO st VALUES (5)")
    cur.execute("SAVEPOINT a")
    cur.execute("INSERT INTO st VALUES (6)")
    expect_error("INSERT INTO st VALUES (1)", "23505")
    cur.execute("ROLLBACK TO SAVEPOINT a")
    cur.execute("INSERT INTO st VALUES (7)")
    cur.execute("SELECT id FROM st ORDER BY id")
    assert cur.fetchall() == [(1,), (5,), (7,)], "the block reads its own rows"
    cur.execute("COMMIT")
    assert cur.statusmessage == "COMMIT", cur.statusmessage
    cur.execute("SELECT id FROM st ORDER BY id")
    assert cur.fetchall() == [(1,), (5,), (7,)]

    for level in ("READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"):
        cur.execute(f"BEGIN ISOLATION LEVEL {level}")
        cur.execute("SHOW transaction_isolation")
        assert cur.fetchone()[0] == level.lower()
        cur.execute("COMMIT")
    cur.execute("SHOW default_transaction_isolation")
    assert cur.fetchone()[0] == "serializable"

    # SET TRANSACTION before the first query decides whether the block's reads lock.
    for sql, locks in ((["BEGIN", "SET TRANSACTION ISOLATION LEVEL READ COMMITTED"], False),
                       (["BEGIN ISOLATION LEVEL READ COMMITTED",
                         "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"], True),
                       (["BEGIN", "SET TRANSACTION READ ONLY"], False),
                       (["BEGIN"], True)):
        for stmt in sql:
            cur.execute(stmt)
        cur.execute("SELECT count(*) FROM st WHERE id BETWEEN 1000 AND 1999")
        other = server.connect(autocommit=True)
        other.cursor().execute("SET lock_timeout = 100")
        try:
            other.cursor().execute("INSERT INTO st VALUES (1000 + %s)", (len(sql[-1]),))
            got = "inserted"
        except psycopg2.Error as e:
            got = sqlstate(e)
        other.close()
        cur.execute("COMMIT")
        assert got == ("55P03" if locks else "inserted"), f"{sql}: a reader's range: {got}"

    # Where each kind of block reads (docs/TRANSACTIONS.md): a snapshot taken at BEGIN, or the
    # latest state.
    for begin, sees_later_commit in (("BEGIN READ ONLY", False),
                                     ("BEGIN ISOLATION LEVEL REPEATABLE READ", False),
                                     ("BEGIN ISOLATION LEVEL READ COMMITTED", True),
                                     ("BEGIN", True)):
        cur.execute("SELECT count(*) FROM st")
        before = cur.fetchone()[0]
        cur.execute(begin)
        server.execute("INSERT INTO st VALUES (%s)", (100 + before,))
        cur.execute("SELECT count(*) FROM st")
        seen = cur.fetchone()[0]
        cur.execute("COMMIT")
        assert seen == before + sees_later_commit, f"{begin}: {before} rows, then {seen}"
    conn.close()
    print("states: 25P02, COMMIT answering ROLLBACK, 25006, savepoints, isolation levels and "
          "their snapshots")


def case_cancel(server):
    server.execute("CREATE TABLE cw (id BIGINT PRIMARY KEY)")
    for how in ("cancel request", "statement_timeout"):
        holder = server.connect()
        holder.cursor().execute("SELECT count(*) FROM cw WHERE id BETWEEN 1 AND 100")
        waiter = server.connect(autocommit=True)
        if how == "statement_timeout":
            waiter.cursor().execute("SET statement_timeout = 200")
        result = []

        def insert():
            try:
                waiter.cursor().execute("INSERT INTO cw VALUES (50)")
                result.append("inserted")
            except psycopg2.Error as e:
                result.append(sqlstate(e))

        thread = threading.Thread(target=insert)
        thread.start()
        deadline = time.monotonic() + WAIT_S
        while thread.is_alive() and time.monotonic() < deadline:
            if how == "cancel request":
                waiter.cancel()  # a no-op until the INSERT runs: repeated until it ends
            thread.join(0.05)
        assert not thread.is_alive(), f"{how}: the waiting INSERT was not cancelled"
        assert result == ["57014"], f"{how}: {result}"
        # The cancelled request left the queue: once the holder commits, the key is free.
        holder.commit()
        waiter.cursor().execute("SET lock_timeout = 10000")
        waiter.cursor().execute("INSERT INTO cw VALUES (%s)", (50 if how != "statement_timeout"
                                                               else 51,))
        holder.close()
        waiter.close()
    assert server.execute("SELECT id FROM cw ORDER BY id") == [(50,), (51,)]
    print("cancel: a lock wait ends with 57014 on a cancel request and on statement_timeout")


def case_limits(binary, tmp):
    server = Server(binary, os.path.join(tmp, "limits"),
                    ["cluster.max_transaction_rows=50",
                     "cluster.max_transaction_bytes=4KiB"]).start()
    try:
        server.execute("CREATE TABLE lim (id BIGINT PRIMARY KEY, t TEXT)")
        conn = server.connect()
        cur = conn.cursor()
        for what, rows in (("rows", [(i, "x") for i in range(51)]),
                           ("bytes", [(100 + i, "y" * 1000) for i in range(8)])):
            try:
                for row in rows:
                    cur.execute("INSERT INTO lim VALUES (%s, %s)", row)
                conn.commit()
                raise AssertionError(f"{what}: a block over the limit committed")
            except psycopg2.Error as e:
                assert sqlstate(e) == "54000", f"{what}: {sqlstate(e)} {e}"
                assert "transaction too large" in str(e), f"{what}: message: {e}"
            conn.rollback()
            # Nothing of the block is there, and its locks are gone: another client inserts
            # its first key at once.
            other = server.connect(autocommit=True)
            other.cursor().execute("SET lock_timeout = 100")
            other.cursor().execute("INSERT INTO lim VALUES (%s, 'other')", (rows[0][0],))
            other.close()
            got = server.execute("SELECT id, t FROM lim WHERE id = %s", (rows[0][0],))
            assert got == [(rows[0][0], "other")], f"{what}: {got}"
        # At the limit exactly, the block commits.
        for i in range(200, 250):
            cur.execute("INSERT INTO lim VALUES (%s, 'z')", (i,))
        conn.commit()
        assert server.execute("SELECT count(*) FROM lim WHERE id >= 200")[0][0] == 50
        conn.close()
        print("limits: 54000 past max_transaction_rows and max_transaction_bytes, nothing kept")
    except BaseException:
        print(server.log()[-4000:], file=sys.stderr)
        raise
    server.stop()


def case_set_after_query(server):
    conn = server.connect(autocommit=True)
    cur = conn.cursor()
    for begin, change in (("BEGIN ISOLATION LEVEL READ COMMITTED",
                           "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"),
                          ("BEGIN", "SET TRANSACTION ISOLATION LEVEL READ COMMITTED"),
                          ("BEGIN READ ONLY", "SET TRANSACTION READ WRITE")):
        cur.execute(begin)
        cur.execute("SELECT 1")
        try:
            cur.execute(change)
            raise AssertionError(f"{begin}; SELECT 1; {change}: accepted")
        except psycopg2.Error as e:
            assert sqlstate(e) == "25001", f"{change}: {sqlstate(e)} {e}"
        cur.execute("ROLLBACK")
    conn.close()
    print("set-after-query: 25001 for a change of mode after the first query")


def index_rows(server, table, column, value):
    plan = "\n".join(r[0] for r in server.execute(
        f"EXPLAIN SELECT id FROM {table} WHERE {column} = %s", (value,)))
    assert "Index Scan" in plan, plan
    return sorted(r[0] for r in server.execute(
        f"SELECT id FROM {table} WHERE {column} = %s", (value,)))


def case_create_index(server):
    server.execute("CREATE TABLE ci (id BIGINT PRIMARY KEY, v INT, w INT)")
    server.execute("INSERT INTO ci VALUES (1, 7, 1)")
    # 1. A writer in flight: CREATE INDEX waits for its COMMIT, then indexes its rows.
    holder = server.connect()
    holder.cursor().execute("INSERT INTO ci VALUES (2, 7, 2), (3, 8, 3)")
    creator = server.connect(autocommit=True)
    waits_until(creator, "CREATE INDEX ci_v ON ci (v)", holder.commit)
    assert index_rows(server, "ci", "v", 7) == [1, 2], index_rows(server, "ci", "v", 7)
    # 2. A CREATE INDEX in an open block holds the table: writers wait (55P03 with
    # lock_timeout), then write their rows into the new index too.
    creator.cursor().execute("BEGIN")
    creator.cursor().execute("CREATE INDEX ci_w ON ci (w)")
    writer = server.connect(autocommit=True)
    waits_until(writer, "INSERT INTO ci VALUES (5, 9, 40)",
                lambda: creator.cursor().execute("COMMIT"))
    assert index_rows(server, "ci", "w", 40) == [5], index_rows(server, "ci", "w", 40)
    assert index_rows(server, "ci", "v", 9) == [5], index_rows(server, "ci", "v", 9)
    # 3. A block's own rows, queued before and after its CREATE INDEX.
    conn = server.connect()
    cur = conn.cursor()
    cur.execute("CREATE TABLE cj (id BIGINT PRIMARY KEY, v INT)")
    conn.commit()
    cur.execute("INSERT INTO cj VALUES (1, 5), (2, 6)")
    cur.execute("CREATE UNIQUE INDEX cj_v_unique ON cj (v)")
    expect_sqlstate(cur, "INSERT INTO cj VALUES (3, 6)", "23505")
    conn.rollback()
    # (CREATE INDEX commits at once, also in a block: cj_v_unique stays, so use another table.)
    cur.execute("CREATE TABLE ck (id BIGINT PRIMARY KEY, v INT)")
    conn.commit()
    cur.execute("INSERT INTO ck VALUES (1, 5), (2, 5)")
    expect_sqlstate(cur, "CREATE UNIQUE INDEX ck_v_dup ON ck (v)", "23505")
    conn.rollback()
    cur.execute("CREATE TABLE cm (id BIGINT PRIMARY KEY, v INT)")
    conn.commit()
    cur.execute("INSERT INTO cm VALUES (11, 5), (12, 6)")
    cur.execute("CREATE INDEX cm_v ON cm (v)")
    cur.execute("INSERT INTO cm VALUES (13, 5)")
    conn.commit()
    assert index_rows(server, "cm", "v", 5) == [11, 13], index_rows(server, "cm", "v", 5)
    for c in (holder, creator, writer, conn):
        c.close()
    print("create-index: waits for writers, writers wait for it, every row is in the index")


def main():
    binary, case = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        if case in ("timeout", "limits"):
            {"timeout": case_timeout, "limits": case_limits}[case](binary, tmp)
            return
        server = Server(binary, os.path.join(tmp, "data")).start()
        try:
            {"deadlock": case_deadlock, "disconnect": case_disconnect,
             "states": case_states, "cancel": case_cancel,
             "set-after-query": case_set_after_query,
             "create-index": case_create_index}[case](server)
        except BaseException:
            print(server.log()[-4000:], file=sys.stderr)
            raise
        server.stop()


if __name__ == "__main__":
    main()
