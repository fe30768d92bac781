#!/usr/bin/env python3
"""Transaction anomalies over the wire: concurrent psycopg2 clients against a real
blockdb-server, one case per run (docs/TRANSACTIONS.md; Adya's anomaly names).

Usage: anomalies_test.py BLOCKDB_SERVER_BINARY CASE
CASE is one of: g0, g1a, g1b, g1c, lost-insert, write-skew, write-skew-shapes, phantom,
insert-if-absent, realtime.

Threads meet at barriers only before statements that cannot block, so a step that waits for a
lock never holds up the others. Aborted transactions (40001, 40P01) are retried, as a client
must. Exit status 0 when every check passed.
"""
import os
import sys
import tempfile
import threading

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import psycopg2  # noqa: E402
from txn_util import (ISOLATION, RETRY_CODES, Server, retrying, run_threads,  # noqa: E402
                      scale, sqlstate)

BARRIER_TIMEOUT_S = 60


class RollBack(Exception):
    """Raised inside a transaction body to roll it back on purpose."""


def append(cur, key, value):
    """Appends value to list `key` at the next position (a read, then an insert)."""
    cur.execute("SELECT coalesce(max(pos), 0) FROM lists WHERE k = %s", (key,))
    pos = cur.fetchone()[0] + 1
    cur.execute("INSERT INTO lists (k, pos, v) VALUES (%s, %s, %s)", (key, pos, value))


def list_values(server, key):
    return [r[0] for r in server.execute("SELECT v FROM lists WHERE k = %s ORDER BY pos", (key,))]


def case_g0(server):
    """G0 (write cycle): two transactions append to lists x and y in opposite orders; the order
    of their elements must be the same in both lists. The first attempts meet after their first
    append, so each then needs the list the other holds: one must abort and retry."""
    server.execute("CREATE TABLE lists (k BIGINT, pos BIGINT, v BIGINT, PRIMARY KEY (k, pos))")
    rounds = scale(12)
    aborts = 0
    for r in range(rounds):
        x, y = 2 * r, 2 * r + 1
        barrier = threading.Barrier(2, timeout=BARRIER_TIMEOUT_S)
        counts = []

        def client(value, first, second):
            conn = server.connect()
            attempt = [0]

            def body(cur):
                attempt[0] += 1
                append(cur, first, value)
                if attempt[0] == 1:
                    barrier.wait()
                append(cur, second, value)

            _, n = retrying(conn, body)
            counts.append(n)
            conn.close()

        run_threads([lambda: client(1, x, y), lambda: client(2, y, x)])
        xs, ys = list_values(server, x), list_values(server, y)
        assert sorted(xs) == [1, 2] and xs == ys, f"round {r}: G0: x={xs} y={ys}"
        aborts += sum(counts)
        assert sum(counts) >= 1, f"round {r}: both crossed appends committed without a retry"
    print(f"g0: {rounds} rounds, x and y in the same order every time, {aborts} retries")


def case_g1a(server):
    """G1a (aborted read) and G1b (intermediate read): a writer commits some transactions of 5
    rows in one table and 1 in another, and aborts others (ROLLBACK, or a failed statement
    followed by COMMIT, which rolls back); readers of both tables at once, at every isolation
    level and in autocommit, must never see a row of an aborted transaction, and must see each
    committed one whole or not at all."""
    server.execute("CREATE TABLE g1 (id BIGINT PRIMARY KEY, txn BIGINT, n INT)")
    server.execute("CREATE INDEX g1_txn ON g1 (txn)")
    server.execute("CREATE TABLE g1_other (txn BIGINT)")  # hidden row ids
    server.execute("INSERT INTO g1 VALUES (0, 0, 0)")  # the key a failing insert collides with
    txns = scale(60)
    rows_per_txn = 6  # 5 in g1, 1 in g1_other
    both = ("SELECT txn, count(*) FROM (SELECT txn FROM g1 WHERE txn > 0 UNION ALL "
            "SELECT txn FROM g1_other) x GROUP BY txn")
    done = threading.Event()
    committed, observed = set(), [0]

    def writer():
        conn = server.connect()
        try:
            for t in range(1, txns + 1):
                abort = t % 2 == 1  # odd ids are never committed

                def body(cur):
                    for n in range(rows_per_txn - 1):
                        cur.execute("INSERT INTO g1 VALUES (%s, %s, %s)",
                                    (t * 100 + n, t, n))
                    cur.execute("INSERT INTO g1_other VALUES (%s)", (t,))
                    cur.execute(both)
                    own = dict(cur.fetchall()).get(t)
                    assert own == rows_per_txn, f"txn {t} reads {own} of its own rows"
                    if abort and t % 4 == 1:
                        raise RollBack()
                    if abort:
                        try:
                            cur.execute("INSERT INTO g1 VALUES (0, %s, 0)", (t,))
                            raise AssertionError("duplicate key accepted")
                        except psycopg2.errors.UniqueViolation:
                            pass

                try:
                    retrying(conn, body)
                except RollBack:
                    conn.rollback()
                if abort:
                    # The failed block: COMMIT answers ROLLBACK; retrying() committed it.
                    assert conn.get_transaction_status() == \
                        psycopg2.extensions.TRANSACTION_STATUS_IDLE
                else:
                    committed.add(t)
        finally:
            done.set()
            conn.close()

    def reader(isolation):
        conn = server.connect(autocommit=isolation is None,
                              isolation=ISOLATION.get(isolation))
        while not done.is_set():
            def body(cur):
                cur.execute(both)
                return cur.fetchall()
            if isolation is None:
                rows = body(conn.cursor())
            else:
                rows, _ = retrying(conn, body)
            for txn, count in rows:
                assert txn % 2 == 0, f"{isolation}: G1a: read rows of aborted txn {txn}"
                assert count == rows_per_txn, \
                    f"{isolation}: G1b: read {count} of the {rows_per_txn} rows of txn {txn}"
            observed[0] += 1
        conn.close()

    run_threads([writer] + [lambda i=i: reader(i) for i in
                            (None, "serializable", "repeatable read", "read committed")])
    final = dict(server.execute(both))
    assert final == {t: rows_per_txn for t in committed}, final
    print(f"g1a: {txns} transactions ({len(committed)} committed), {observed[0]} reads")


def case_g1b(server):
    """G1b and dirty reads of a transaction still open: a writer inserts 16 or 300 rows and
    reads them; until it commits, nobody else sees any of them (autocommit, READ COMMITTED,
    REPEATABLE READ),
    and a SERIALIZABLE reader of the range waits for its lock (55P03 with a short lock_timeout,
    or all the rows once the writer commits)."""
    server.execute("CREATE TABLE g1b (id BIGINT PRIMARY KEY, txn BIGINT)")
    rounds = scale(10)
    for r in range(1, rounds + 1):
        writer = server.connect()
        wcur = writer.cursor()
        # 8 single-row INSERTs and one of 8 rows; every third round three of 100 rows, more
        # than are locked one by one (the whole table is locked).
        ids = [r * 1000 + i for i in range(300 if r % 3 == 0 else 16)]
        rows = len(ids)
        singles = ids[:8] if rows == 16 else []
        for i in singles:
            wcur.execute("INSERT INTO g1b VALUES (%s, %s)", (i, r))
        rest = ids[len(singles):]
        for n in range(0, len(rest), 100):
            wcur.execute("INSERT INTO g1b VALUES " +
                         ", ".join(f"({i}, {r})" for i in rest[n:n + 100]))
        wcur.execute("SELECT count(*) FROM g1b WHERE txn = %s", (r,))
        assert wcur.fetchone()[0] == rows, "a transaction does not read its own inserts"
        query = "SELECT count(*) FROM g1b WHERE txn = %s"
        for isolation in (None, "read committed", "repeatable read"):
            conn = server.connect(autocommit=isolation is None,
                                  isolation=ISOLATION.get(isolation))
            with conn.cursor() as cur:
                cur.execute(query, (r,))
                seen = cur.fetchone()[0]
            conn.rollback()
            conn.close()
            assert seen == 0, f"round {r}: {isolation}: read {seen} uncommitted rows"
        blocked = server.connect()
        with blocked.cursor() as cur:
            cur.execute("SET lock_timeout = 100")
            try:
                cur.execute(query, (r,))
                raise AssertionError(f"round {r}: serializable read of an uncommitted range "
                                     f"did not wait: {cur.fetchone()}")
            except psycopg2.Error as e:
                assert sqlstate(e) == "55P03", f"round {r}: {sqlstate(e)}: {e}"
        blocked.rollback()
        blocked.close()
        result = []

        def waiting_reader():
            conn = server.connect()
            got, _ = retrying(conn, lambda cur: (cur.execute(query, (r,)), cur.fetchone())[1])
            result.append(got[0])
            conn.close()

        thread = threading.Thread(target=waiting_reader)
        thread.start()
        writer.commit()
        writer.close()
        thread.join(BARRIER_TIMEOUT_S)
        assert not thread.is_alive(), f"round {r}: the reader still waits after the commit"
        assert result == [rows], f"round {r}: serializable reader saw {result} rows, not {rows}"
    print(f"g1b: {rounds} rounds, uncommitted rows never seen, waiting reader saw all")


def case_g1c(server):
    """G1c (circular information flow): T1 inserts x and reads y while T2 inserts y and reads x;
    both may commit only if at most one of them saw the other's row."""
    server.execute("CREATE TABLE g1c (id BIGINT PRIMARY KEY, writer INT)")
    rounds = scale(15)
    retries = 0
    for r in range(rounds):
        x, y = 2 * r, 2 * r + 1
        barrier = threading.Barrier(2, timeout=BARRIER_TIMEOUT_S)
        saw = {}

        def client(me, mine, other):
            conn = server.connect()
            attempt = [0]

            def body(cur):
                attempt[0] += 1
                cur.execute("INSERT INTO g1c VALUES (%s, %s)", (mine, me))
                if attempt[0] == 1:
                    barrier.wait()
                cur.execute("SELECT writer FROM g1c WHERE id = %s", (other,))
                return cur.fetchall()

            saw[me], n = retrying(conn, body)
            saw[me + 10] = n
            conn.close()

        run_threads([lambda: client(1, x, y), lambda: client(2, y, x)])
        retries += saw[11] + saw[12]
        assert not (saw[1] == [(2,)] and saw[2] == [(1,)]), f"round {r}: G1c: {saw}"
        assert saw[1] in ([], [(2,)]) and saw[2] in ([], [(1,)]), f"round {r}: {saw}"
        count = server.execute("SELECT count(*) FROM g1c WHERE id IN (%s, %s)", (x, y))[0][0]
        assert count == 2, f"round {r}: {count} rows committed, expected 2"
    print(f"g1c: {rounds} rounds, no cycle of reads, {retries} retries")


def case_lost_insert(server):
    """Lost insert: two clients insert the same primary key (and, in other rounds, the same
    value of a UNIQUE column) at once, in one-row transactions or in 300-row ones (which lock
    the whole table in insert mode, so the collision is found at commit): exactly one commits;
    the other gets 23505, 40001 or 40P01; the rows that remain are the committer's, all of
    them."""
    server.execute("CREATE TABLE li (id BIGINT PRIMARY KEY, u BIGINT UNIQUE, client INT)")
    rounds = scale(24)
    codes = {}

    def rows_of(r, me):
        base = r * 1000
        kind = r % 4
        if kind == 0:  # the same primary key
            return [(base, base * 10 + me, me)]
        if kind == 1:  # the same unique value
            return [(base + me, base * 10, me)]
        if kind == 2:  # 300 rows each, one primary key in common (base + 299)
            return [(i, i * 10 + me, me) for i in range(base + (me - 1) * 299,
                                                         base + (me - 1) * 299 + 300)]
        # 300 rows each, one unique value in common ((base + 299) * 10)
        return [(base + (me - 1) * 300 + i, (base + i) * 10 + (me if i < 299 else 0), me)
                for i in range(300)]

    for r in range(rounds):
        barrier = threading.Barrier(2, timeout=BARRIER_TIMEOUT_S)
        outcome = {}

        def client(me):
            conn = server.connect()
            cur = conn.cursor()
            cur.execute("SELECT 1")  # both transactions are open before either inserts
            barrier.wait()
            try:
                cur.execute("INSERT INTO li VALUES " + ", ".join(
                    f"({i}, {u}, {c})" for i, u, c in rows_of(r, me)))
                conn.commit()
                outcome[me] = "commit"
            except psycopg2.Error as e:
                outcome[me] = sqlstate(e)
                conn.rollback()
            conn.close()

        run_threads([lambda: client(1), lambda: client(2)])
        winners = [c for c, o in outcome.items() if o == "commit"]
        assert len(winners) == 1, f"round {r}: {outcome}"
        loser = outcome[3 - winners[0]]
        assert loser in ("23505",) + RETRY_CODES, f"round {r}: loser got {loser}"
        codes[loser] = codes.get(loser, 0) + 1
        rows = server.execute("SELECT client, count(*) FROM li WHERE id BETWEEN %s AND %s "
                              "GROUP BY client", (r * 1000, r * 1000 + 999))
        assert rows == [(winners[0], len(rows_of(r, winners[0])))], \
            f"round {r}: {rows}, winner {winners[0]}"
    print(f"lost-insert: {rounds} rounds, exactly one commit each; losers got {codes}")


def case_write_skew(server):
    """G2 (write skew through a predicate read): a shift starts with two doctors on call; each of
    two transactions counts who is on call and, when at least two are, inserts an "off" row for
    its doctor. Both read before either writes. SERIALIZABLE: one must abort (40P01/40001) and,
    retried, sees one doctor left, so a doctor stays on call, with and without an index on the
    predicate's column. READ COMMITTED and REPEATABLE READ: the anomaly happens (documented
    behaviour: they do not lock what they read)."""
    for table in ("oncall_idx", "oncall_scan"):
        server.execute(f"CREATE TABLE {table} (id BIGINT PRIMARY KEY, shift BIGINT, "
                       f"doctor INT, on_call BOOLEAN)")
    server.execute("CREATE INDEX oncall_idx_shift ON oncall_idx (shift)")
    rounds = scale(6)
    shift = [0]
    broken = {}
    for isolation in ("serializable", "read committed", "repeatable read"):
        for table in ("oncall_idx", "oncall_scan"):
            for r in range(rounds):
                shift[0] += 1
                s = shift[0]
                server.execute(f"INSERT INTO {table} VALUES (%s, %s, 1, true), "
                               f"(%s, %s, 2, true)", (s * 100, s, s * 100 + 1, s))
                barrier = threading.Barrier(2, timeout=BARRIER_TIMEOUT_S)
                retries = []

                def doctor(me):
                    conn = server.connect(isolation=ISOLATION[isolation])
                    attempt = [0]

                    def body(cur):
                        attempt[0] += 1
                        cur.execute(f"SELECT sum(CASE WHEN on_call THEN 1 ELSE -1 END) "
                                    f"FROM {table} WHERE shift = %s", (s,))
                        on_call = cur.fetchone()[0]
                        if attempt[0] == 1:
                            barrier.wait()
                        if on_call >= 2:
                            cur.execute(f"INSERT INTO {table} VALUES (%s, %s, %s, false)",
                                        (s * 100 + me * 10 + attempt[0], s, me))

                    _, n = retrying(conn, body)
                    retries.append(n)
                    conn.close()

                run_threads([lambda: doctor(1), lambda: doctor(2)])
                on_call = server.execute(f"SELECT sum(CASE WHEN on_call THEN 1 ELSE -1 END) "
                                         f"FROM {table} WHERE shift = %s", (s,))[0][0]
                if isolation == "serializable":
                    assert on_call == 1, f"{table} shift {s}: G2: {on_call} doctors on call"
                    assert sum(retries) >= 1, f"{table} shift {s}: no transaction retried"
                elif on_call < 1:
                    broken[(isolation, table)] = broken.get((isolation, table), 0) + 1
            if isolation != "serializable":
                assert broken.get((isolation, table), 0) >= 1, \
                    f"{isolation}, {table}: write skew never happened; update the docs"
    print(f"write-skew: serializable held in {4 * rounds} rounds; weaker levels broke it: "
          f"{broken}")


def case_phantom(server):
    """Phantoms: a range read repeated in one SERIALIZABLE transaction returns the same rows
    while another client inserts into the range (its insert waits: 55P03 with a short
    lock_timeout); the range is a primary key range, an indexed column's range, and a predicate
    on a column without an index. Then a reader thread and an inserter thread run together.
    READ COMMITTED sees the phantom (documented); REPEATABLE READ does not."""
    server.execute("CREATE TABLE ph (id BIGINT PRIMARY KEY, k BIGINT, c BIGINT)")
    server.execute("CREATE INDEX ph_k ON ph (k)")
    # Preloaded ids are multiples of 10, k and c cycle through 0..999; new rows get ids from
    # 1000001 on.
    server.execute("INSERT INTO ph SELECT g * 10, g % 1000, g % 1000 "
                   "FROM generate_series(1, 3000) g")
    next_id = [1000000]

    def insert_with_timeout(row_id, k):
        conn = server.connect(autocommit=True)
        with conn.cursor() as cur:
            cur.execute("SET lock_timeout = 100")
            try:
                cur.execute("INSERT INTO ph VALUES (%s, %s, %s)", (row_id, k, k))
                return "inserted"
            except psycopg2.Error as e:
                return sqlstate(e)
            finally:
                conn.close()

    def new_id():
        next_id[0] += 1
        return next_id[0]

    # (predicate, a row inside the range, a row outside it or None: the whole table is locked)
    ranges = {"primary key": ("id BETWEEN 1000 AND 1100", (1005, 1005), (5, 5)),
              "index": ("k BETWEEN 100 AND 110", (None, 105), (None, 500)),
              "no index": ("c BETWEEN 100 AND 110", (None, 105), None)}
    for name, (pred, inside, outside) in ranges.items():
        reader = server.connect()
        cur = reader.cursor()
        cur.execute(f"SELECT id FROM ph WHERE {pred} ORDER BY id")
        first = cur.fetchall()
        assert len(first) > 1, (name, first)
        got = insert_with_timeout(inside[0] or new_id(), inside[1])
        assert got == "55P03", f"{name}: insert into a read-locked range: {got}"
        if outside is not None:
            got = insert_with_timeout(outside[0] or new_id(), outside[1])
            assert got == "inserted", f"{name}: insert outside the locked range: {got}"
        cur.execute(f"SELECT id FROM ph WHERE {pred} ORDER BY id")
        assert cur.fetchall() == first, f"{name}: phantom in a serializable transaction"
        reader.commit()
        reader.close()
        got = insert_with_timeout(inside[0] or new_id(), inside[1])
        assert got == "inserted", f"{name}: insert after the reader committed: {got}"

    # A reader and an inserter at once: every transaction's repeated reads agree.
    txns = scale(25)
    done = threading.Event()
    inserted = [0]

    def inserter():
        conn = server.connect(autocommit=True)
        k = 0
        while not done.is_set():
            k += 1
            with conn.cursor() as c:
                c.execute("INSERT INTO ph VALUES (%s, %s, 0)", (2000000 + k, 200 + k % 5))
            inserted[0] += 1
        conn.close()

    def repeat_reader():
        conn = server.connect()
        try:
            for _ in range(txns):
                def body(c):
                    reads = []
                    for _ in range(3):
                        c.execute("SELECT id FROM ph WHERE k BETWEEN 200 AND 204 ORDER BY id")
                        reads.append(c.fetchall())
                    return reads
                reads, _ = retrying(conn, body)
                assert reads[0] == reads[1] == reads[2], "phantom between repeated reads"
        finally:
            done.set()
            conn.close()

    run_threads([inserter, repeat_reader])
    assert inserted[0] >= 1

    # READ COMMITTED: the repeated read sees the row inserted in between; REPEATABLE READ not.
    for isolation, phantom in (("read committed", True), ("repeatable read", False)):
        conn = server.connect(isolation=ISOLATION[isolation])
        cur = conn.cursor()
        cur.execute("SELECT count(*) FROM ph WHERE k = 300")
        before = cur.fetchone()[0]
        server.execute("INSERT INTO ph VALUES (%s, 300, 0)", (new_id(),))
        cur.execute("SELECT count(*) FROM ph WHERE k = 300")
        after = cur.fetchone()[0]
        conn.commit()
        conn.close()
        assert after == before + (1 if phantom else 0), f"{isolation}: {before} -> {after}"
    print(f"phantom: no phantom in {txns} transactions while {inserted[0]} rows were inserted")


def case_insert_if_absent(server):
    """G2 through an empty predicate read: two transactions each check that no row has a name
    and, finding none, insert one; both read before either writes. SERIALIZABLE: exactly one
    row in the end (the read locks the empty range: of an index, of the primary key, or the
    whole table without either). READ COMMITTED lets both insert (documented)."""
    server.execute("CREATE TABLE reg_idx (id BIGINT PRIMARY KEY, name TEXT, who INT)")
    server.execute("CREATE INDEX reg_idx_name ON reg_idx (name)")
    server.execute("CREATE TABLE reg_scan (id BIGINT PRIMARY KEY, name TEXT, who INT)")
    server.execute("CREATE TABLE reg_rowid (name TEXT, who INT)")  # hidden row ids
    server.execute("CREATE TABLE reg_pk (name TEXT PRIMARY KEY, who INT)")
    rounds = scale(6)
    duplicates = {}
    n = [0]
    for isolation in ("serializable", "read committed"):
        for table in ("reg_idx", "reg_scan", "reg_rowid", "reg_pk"):
            for r in range(rounds):
                name = f"{table} {isolation} {r}"
                barrier = threading.Barrier(2, timeout=BARRIER_TIMEOUT_S)
                retries = []

                def client(me):
                    conn = server.connect(isolation=ISOLATION[isolation])
                    attempt = [0]

                    def body(cur):
                        attempt[0] += 1
                        cur.execute(f"SELECT count(*) FROM {table} WHERE name = %s", (name,))
                        found = cur.fetchone()[0]
                        if attempt[0] == 1:
                            barrier.wait()
                        if found == 0:
                            n[0] += 1
                            if table in ("reg_rowid", "reg_pk"):
                                cur.execute(f"INSERT INTO {table} VALUES (%s, %s)", (name, me))
                            else:
                                cur.execute(f"INSERT INTO {table} VALUES (%s, %s, %s)",
                                            (n[0] * 10 + me, name, me))

                    try:
                        _, k = retrying(conn, body)
                        retries.append(k)
                    except psycopg2.errors.UniqueViolation:
                        conn.rollback()  # reg_pk: the second insert of the name
                        retries.append(1)
                    conn.close()

                run_threads([lambda: client(1), lambda: client(2)])
                count = server.execute(f"SELECT count(*) FROM {table} WHERE name = %s",
                                       (name,))[0][0]
                if isolation == "serializable" or table == "reg_pk":
                    assert count == 1, f"{name}: {count} rows inserted by check-then-insert"
                    assert sum(retries) >= 1, f"{name}: neither transaction was retried"
                elif count > 1:
                    duplicates[table] = duplicates.get(table, 0) + 1
            if isolation != "serializable" and table != "reg_pk":
                assert duplicates.get(table, 0) >= 1, f"{isolation}, {table}: no duplicate"
    print(f"insert-if-absent: one row each time at serializable; read committed: {duplicates}")


def case_realtime(server):
    """Commits are visible as soon as they are acknowledged: after one client's COMMIT returns,
    any other client's next statement (autocommit, a new READ ONLY, REPEATABLE READ or
    SERIALIZABLE block) sees it."""
    server.execute("CREATE TABLE rt (id BIGINT PRIMARY KEY, w INT)")
    writes = scale(150)
    acked = [0, 0]  # last id acknowledged by each writer
    done = threading.Event()
    reads = [0]

    def writer(me):
        conn = server.connect()
        try:
            for i in range(1, writes + 1):
                with conn.cursor() as cur:
                    cur.execute("INSERT INTO rt VALUES (%s, %s)", (i * 2 + me, me))
                conn.commit()
                acked[me] = i
        finally:
            done.set()
            conn.close()

    def reader(mode):
        conn = server.connect(autocommit=mode == "autocommit",
                              isolation=ISOLATION.get(mode))
        if mode == "read only":
            conn.set_session(readonly=True)
        while not done.is_set():
            floor = list(acked)
            with conn.cursor() as cur:
                cur.execute("SELECT w, max(id) FROM rt GROUP BY w")
                seen = dict(cur.fetchall())
            conn.rollback()
            for me in (0, 1):
                if floor[me]:
                    assert seen.get(me, -1) >= floor[me] * 2 + me, \
                        f"{mode}: writer {me} had commit {floor[me]} acknowledged, read {seen}"
            reads[0] += 1
        conn.close()

    run_threads([lambda: writer(0), lambda: writer(1)] +
                [lambda m=m: reader(m) for m in
                 ("autocommit", "read only", "repeatable read", "serializable")])
    print(f"realtime: {2 * writes} commits, {reads[0]} reads, none missed an acknowledged one")


# Predicate reads of one shift's doctors on call, in the shapes a query may take: each reads
# the "off" rows through a subquery, a join, a CTE, a set operation or a window.
ON_CALL_QUERIES = {
    "scalar subqueries": "SELECT (SELECT count(*) FROM doctors WHERE shift = %(s)s) - "
                         "(SELECT count(*) FROM offs WHERE shift = %(s)s)",
    "not exists": "SELECT count(*) FROM doctors d WHERE d.shift = %(s)s AND NOT EXISTS "
                  "(SELECT 1 FROM offs f WHERE f.shift = d.shift AND f.doctor = d.doctor)",
    "not in": "SELECT count(*) FROM doctors WHERE shift = %(s)s AND doctor NOT IN "
              "(SELECT doctor FROM offs WHERE shift = %(s)s)",
    "left join": "SELECT count(*) FROM doctors d LEFT JOIN offs f ON f.shift = d.shift AND "
                 "f.doctor = d.doctor WHERE d.shift = %(s)s AND f.id IS NULL",
    "cte": "WITH o AS (SELECT doctor FROM offs WHERE shift = %(s)s) SELECT count(*) FROM "
           "doctors d LEFT JOIN o ON o.doctor = d.doctor WHERE d.shift = %(s)s AND "
           "o.doctor IS NULL",
    "except": "SELECT count(*) FROM (SELECT doctor FROM doctors WHERE shift = %(s)s EXCEPT "
              "SELECT doctor FROM offs WHERE shift = %(s)s) x",
    "union all": "SELECT sum(c) FROM (SELECT count(*) AS c FROM doctors WHERE shift = %(s)s "
                 "UNION ALL SELECT -count(*) FROM offs WHERE shift = %(s)s) x",
    "window": "SELECT count(*) FROM (SELECT d.doctor, count(f.id) OVER (PARTITION BY d.doctor) "
              "AS c FROM doctors d LEFT JOIN offs f ON f.doctor = d.doctor AND "
              "f.shift = d.shift WHERE d.shift = %(s)s) x WHERE c = 0",
}


def case_write_skew_shapes(server):
    """G2 across two tables: doctors (who is on a shift) and offs (who took it off); each of two
    transactions counts who is on call with a query of some shape and, when two are, inserts its
    doctor's "off" row. SERIALIZABLE keeps one doctor on call whatever the shape (every table a
    query reads is locked: in subqueries, joins, CTEs, set operations); READ COMMITTED lets
    both go (documented)."""
    server.execute("CREATE TABLE doctors (shift BIGINT, doctor INT, PRIMARY KEY (shift, doctor))")
    server.execute("CREATE TABLE offs (id BIGINT PRIMARY KEY, shift BIGINT, doctor INT)")
    rounds = scale(2)
    shift = [0]
    broken = {}
    for isolation in ("serializable", "read committed"):
        for name, query in ON_CALL_QUERIES.items():
            for r in range(rounds):
                shift[0] += 1
                s = shift[0]
                server.execute("INSERT INTO doctors VALUES (%s, 1), (%s, 2)", (s, s))
                barrier = threading.Barrier(2, timeout=BARRIER_TIMEOUT_S)

                def doctor(me):
                    conn = server.connect(isolation=ISOLATION[isolation])
                    attempt = [0]

                    def body(cur):
                        attempt[0] += 1
                        cur.execute(query, {"s": s})
                        on_call = cur.fetchone()[0]
                        if attempt[0] == 1:
                            barrier.wait()
                        if on_call >= 2:
                            cur.execute("INSERT INTO offs VALUES (%s, %s, %s)",
                                        (s * 100 + me * 10 + attempt[0], s, me))

                    retrying(conn, body)
                    conn.close()

                run_threads([lambda: doctor(1), lambda: doctor(2)])
                on_call = server.execute(query, {"s": s})[0][0]
                if isolation == "serializable":
                    assert on_call == 1, f"{name}: G2: {on_call} doctors on call"
                elif on_call < 1:
                    broken[name] = broken.get(name, 0) + 1
    missing = set(ON_CALL_QUERIES) - set(broken)
    assert not missing, f"read committed: no write skew through {missing}"
    print(f"write-skew-shapes: {len(ON_CALL_QUERIES)} query shapes, one doctor always on call "
          f"at serializable")


CASES = {"g0": case_g0, "g1a": case_g1a, "g1b": case_g1b, "g1c": case_g1c,
         "lost-insert": case_lost_insert, "write-skew": case_write_skew,
         "phantom": case_phantom, "insert-if-absent": case_insert_if_absent,
         "realtime": case_realtime, "write-skew-shapes": case_write_skew_shapes}


def main():
    binary, case = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(binary, os.path.join(tmp, "data")).start()
        try:
            CASES[case](server)
        except BaseException:
            print(server.log()[-4000:], file=sys.stderr)
            raise
        server.stop()


if __name__ == "__main__":
    main()
