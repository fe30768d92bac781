#!/usr/bin/env python3
"""The bank invariant over the wire: transfers are pairs of rows (a debit and its credit) inserted
in one transaction; the balance of an account is the sum of its rows.

Usage: bank_test.py BLOCKDB_SERVER_BINARY

Several psycopg2 clients make SERIALIZABLE transfers against a real blockdb-server; each first
reads the balance of the account it debits and transfers only what is there. Meanwhile other
clients sum the balances in every way a client can: one autocommit SELECT, SERIALIZABLE,
REPEATABLE READ and READ ONLY blocks of several SELECTs, READ COMMITTED statements. Every sum
observed must be the total deposited (a transfer is seen whole or not at all), and no balance
may ever be observed below zero (the check before a transfer holds only if it is serializable).
At the end every balance is what the committed transfers add up to, and a transfer's two rows
are consecutive ledger entries.
"""
import os
import random
import sys
import tempfile
import threading

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from txn_util import ISOLATION, Server, retrying, run_threads, scale  # noqa: E402

ACCOUNTS = 5
INITIAL = 100
TOTAL = ACCOUNTS * INITIAL
TRANSFERRERS = 4
BALANCES = "SELECT account, sum(amount) FROM bank GROUP BY account ORDER BY account"


def check_balances(rows, where):
    balances = dict(rows)
    assert sum(balances.values()) == TOTAL, f"{where}: total {sum(balances.values())}: {rows}"
    assert all(b >= 0 for b in balances.values()), f"{where}: a balance below zero: {rows}"
    assert set(balances) == set(range(ACCOUNTS)), f"{where}: accounts missing: {rows}"


def transferrer(server, me, transfers, seed, ledger, stats):
    rng = random.Random(seed)
    conn = server.connect()
    for i in range(transfers):
        a, b = rng.sample(range(ACCOUNTS), 2)
        amount = rng.randint(1, INITIAL * 2 // 3)
        xfer = me * 1000000 + i + 1

        def body(cur):
            cur.execute("SELECT sum(amount) FROM bank WHERE account = %s", (a,))
            balance = cur.fetchone()[0]
            if balance < amount:
                return False
            cur.execute("INSERT INTO bank VALUES (%s, %s, %s, %s)", (2 * xfer, xfer, a, -amount))
            cur.execute("INSERT INTO bank VALUES (%s, %s, %s, %s)", (2 * xfer + 1, xfer, b, amount))
            return True

        done, aborts = retrying(conn, body)
        stats["aborts"] += aborts
        if done:
            ledger.append((a, b, amount))
    conn.close()


def auditor(server, stop, stats):
    modes = ["autocommit", "serializable", "repeatable read", "read only", "read committed"]
    conns = {m: server.connect(autocommit=m == "autocommit") for m in modes}
    conns["repeatable read"].set_session(isolation_level=ISOLATION["repeatable read"])
    conns["read committed"].set_session(isolation_level=ISOLATION["read committed"])
    conns["read only"].set_session(readonly=True)
    i = 0
    while not stop.is_set():
        mode = modes[i % len(modes)]
        i += 1
        conn = conns[mode]
        if mode == "autocommit":
            with conn.cursor() as cur:
                cur.execute(BALANCES)
                check_balances(cur.fetchall(), mode)
                cur.execute("SELECT sum(amount) FROM bank")
                assert cur.fetchone()[0] == TOTAL, mode
            stats["sums"] += 2
            continue

        def body(cur):
            cur.execute(BALANCES)
            first = cur.fetchall()
            cur.execute("SELECT sum(amount), count(*) FROM bank")
            total, rows = cur.fetchone()
            cur.execute(BALANCES)
            return first, total, rows, cur.fetchall()

        first, total, rows, again = retrying(conn, body)[0]
        check_balances(first, mode)
        check_balances(again, mode)
        assert total == TOTAL, f"{mode}: total {total}"
        assert rows % 2 == ACCOUNTS % 2, f"{mode}: {rows} rows: half a transfer"
        if mode != "read committed":
            assert first == again, f"{mode}: balances changed within a transaction"
        stats["sums"] += 4
    for conn in conns.values():
        conn.close()


def main():
    seed = int(os.environ.get("BLOCKDB_SEED", random.randrange(1 << 30)))
    print(f"seed {seed} (rerun with BLOCKDB_SEED={seed})")
    transfers = scale(40)  # per transferrer
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(sys.argv[1], os.path.join(tmp, "data")).start()
        try:
            server.execute("CREATE TABLE bank (id BIGINT PRIMARY KEY, xfer BIGINT, "
                           "account INT, amount BIGINT)")
            server.execute("CREATE INDEX bank_account ON bank (account)")
            server.execute("INSERT INTO bank VALUES " + ", ".join(
                f"({a}, 0, {a}, {INITIAL})" for a in range(ACCOUNTS)))
            ledgers = [[] for _ in range(TRANSFERRERS)]
            stats = {"aborts": 0, "sums": 0}
            stop = threading.Event()

            def transfers_then_stop():
                try:
                    run_threads([lambda m=m: transferrer(server, m + 1, transfers, seed + m,
                                                         ledgers[m], stats)
                                 for m in range(TRANSFERRERS)])
                finally:
                    stop.set()

            run_threads([transfers_then_stop] + [lambda: auditor(server, stop, stats)] * 2)
            expected = {a: INITIAL for a in range(ACCOUNTS)}
            for a, b, amount in (t for ledger in ledgers for t in ledger):
                expected[a] -= amount
                expected[b] += amount
            final = server.execute(BALANCES)
            check_balances(final, "final")
            assert dict(final) == expected, f"final {final}, committed transfers give {expected}"
            done = sum(len(ledger) for ledger in ledgers)
            # A transfer's debit and credit (two entries each: the row and its index entry) are
            # consecutive ledger entries, apart from those of any other transfer.
            spans = []
            for xfer, in server.execute("SELECT xfer FROM bank WHERE xfer > 0 AND id % 2 = 0 "
                                        "ORDER BY id LIMIT 20"):
                leaves = [server.execute("SELECT leaf_index FROM blockdb_inclusion_proof("
                                         "'bank', %s)", (2 * xfer + i,))[0][0] for i in (0, 1)]
                assert abs(leaves[1] - leaves[0]) < 4, f"transfer {xfer}: entries {leaves}"
                spans.append((min(leaves), max(leaves), xfer))
            spans.sort()
            for a, b in zip(spans, spans[1:]):
                assert a[1] < b[0], f"ledger entries of two transfers interleave: {a}, {b}"
            count = server.execute("SELECT count(*) FROM bank")[0][0]
            assert count == ACCOUNTS + 2 * done, f"{count} rows for {done} transfers"
        except BaseException:
            print(server.log()[-4000:], file=sys.stderr)
            raise
        server.stop()
    print(f"{done} transfers committed ({TRANSFERRERS * transfers - done} refused for lack of "
          f"funds, {stats['aborts']} retries); {stats['sums']} sums observed, all conserved")


if __name__ == "__main__":
    main()
