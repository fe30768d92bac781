#!/usr/bin/env python3
"""SQLAlchemy (Debian python3-sqlalchemy, over psycopg2) against a real blockdb-server.

Usage: sqlalchemy_test.py BLOCKDB_SERVER_BINARY

Creates a few tables (primary keys, a secondary index, a UNIQUE constraint, NOT NULL, several
types), reflects them with inspect(engine) (table names, columns with types and nullability,
primary keys, indexes, unique constraints, foreign keys, a whole Table through autoload) and runs
Core select()s with a join and GROUP BY whose rows are computed here from the inserted data.
Exit status 0 when every check passed.
"""
import datetime
import decimal
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from psycopg_test import start_server, stop_server  # noqa: E402

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.dialects import postgresql  # noqa: E402

DDL = [
    "CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(40) NOT NULL, "
    "joined DATE, score DOUBLE PRECISION, vip BOOLEAN NOT NULL)",
    "CREATE TABLE orders (id INT PRIMARY KEY, customer_id BIGINT NOT NULL, "
    "amount NUMERIC(10,2), placed TIMESTAMPTZ, note TEXT UNIQUE, qty SMALLINT)",
    "CREATE INDEX orders_customer_idx ON orders (customer_id)",
    "CREATE TABLE pairs (a INT, b TEXT, payload BYTEA, PRIMARY KEY (a, b))",
]

CUSTOMERS = [(1, "ann", datetime.date(2024, 1, 5), 1.5, True),
             (2, "bob", datetime.date(2024, 2, 6), None, False),
             (3, "cy", None, 3.25, False)]
ORDERS = [(10, 1, decimal.Decimal("5.25"), "first", 1), (11, 1, decimal.Decimal("4.75"), None, 2),
          (12, 2, decimal.Decimal("100.00"), "big", 3), (13, 1, None, None, 4)]


def check(ok, what):
    if not ok:
        raise AssertionError(what)


def check_reflection(engine):
    insp = sa.inspect(engine)
    check(insp.get_table_names() == ["customers", "orders", "pairs"],
          f"table names {insp.get_table_names()}")
    check("public" in insp.get_schema_names(), f"schemas {insp.get_schema_names()}")

    cols = {c["name"]: c for c in insp.get_columns("orders")}
    check(list(cols) == ["id", "customer_id", "amount", "placed", "note", "qty"],
          f"orders columns {list(cols)}")
    expected_types = {"id": sa.INTEGER, "customer_id": sa.BIGINT, "amount": sa.NUMERIC,
                      "placed": sa.TIMESTAMP, "note": sa.TEXT, "qty": sa.SMALLINT}
    for name, t in expected_types.items():
        check(isinstance(cols[name]["type"], t), f"{name} type {cols[name]['type']!r}")
    check(cols["amount"]["type"].precision == 10 and cols["amount"]["type"].scale == 2,
          f"amount {cols['amount']['type']!r}")
    check(cols["placed"]["type"].timezone, "placed is timestamp with time zone")
    nullable = {n: c["nullable"] for n, c in cols.items()}
    check(nullable == {"id": False, "customer_id": False, "amount": True, "placed": True,
                       "note": True, "qty": True}, f"orders nullability {nullable}")

    ccols = {c["name"]: c for c in insp.get_columns("customers")}
    check(isinstance(ccols["name"]["type"], sa.VARCHAR) and ccols["name"]["type"].length == 40,
          f"name {ccols['name']['type']!r}")
    check(isinstance(ccols["joined"]["type"], sa.DATE), f"joined {ccols['joined']['type']!r}")
    check(isinstance(ccols["score"]["type"], postgresql.DOUBLE_PRECISION),
          f"score {ccols['score']['type']!r}")
    check(isinstance(ccols["vip"]["type"], sa.BOOLEAN), f"vip {ccols['vip']['type']!r}")
    check(not ccols["vip"]["nullable"] and ccols["joined"]["nullable"], "customers nullability")

    pk = insp.get_pk_constraint("orders")
    check(pk == {"constrained_columns": ["id"], "name": "orders_pkey"}, f"orders pk {pk}")
    pk = insp.get_pk_constraint("pairs")
    check(pk["constrained_columns"] == ["a", "b"] and pk["name"] == "pairs_pkey",
          f"pairs pk {pk}")

    indexes = {i["name"]: i for i in insp.get_indexes("orders")}
    check(set(indexes) == {"orders_customer_idx", "orders_note_key"}, f"indexes {indexes}")
    check(indexes["orders_customer_idx"]["column_names"] == ["customer_id"] and
          not indexes["orders_customer_idx"]["unique"], f"{indexes['orders_customer_idx']}")
    check(indexes["orders_note_key"]["unique"], f"{indexes['orders_note_key']}")

    uniques = insp.get_unique_constraints("orders")
    check(uniques == [{"name": "orders_note_key", "column_names": ["note"]}],
          f"unique constraints {uniques}")
    check(insp.get_unique_constraints("customers") == [], "customers has no unique constraint")
    check(insp.get_foreign_keys("orders") == [], "no foreign keys")
    check(insp.get_check_constraints("orders") == [], "no check constraints")
    check(insp.get_table_comment("orders") == {"text": None}, "no comment")
    check(insp.has_table("orders") and not insp.has_table("nowhere"), "has_table")

    # A whole Table through reflection, then used in a query below.
    table = sa.Table("pairs", sa.MetaData(), autoload_with=engine)
    check([c.name for c in table.primary_key.columns] == ["a", "b"], "reflected pairs pk")
    check(isinstance(table.c.payload.type, postgresql.BYTEA), f"{table.c.payload.type!r}")


def check_core(engine):
    meta = sa.MetaData()
    customers = sa.Table("customers", meta, autoload_with=engine)
    orders = sa.Table("orders", meta, autoload_with=engine)
    with engine.begin() as conn:
        conn.execute(customers.insert(), [dict(zip(["id", "name", "joined", "score", "vip"], c))
                                          for c in CUSTOMERS])
        conn.execute(orders.insert(), [
            dict(zip(["id", "customer_id", "amount", "note", "qty"], o),
                 placed=datetime.datetime(2024, 5, o[0] - 9, 12, tzinfo=datetime.timezone.utc))
            for o in ORDERS])

    # Expected answers computed from the data above.
    names = {c[0]: c[1] for c in CUSTOMERS}
    expected = {}
    for _, cust, amount, _, qty in ORDERS:
        n, total, q = expected.get(names[cust], (0, None, 0))
        if amount is not None:
            total = amount if total is None else total + amount
        expected[names[cust]] = (n + 1, total, q + qty)

    count = sa.func.count(orders.c.id).label("n")
    query = (sa.select(customers.c.name, count, sa.func.sum(orders.c.amount).label("total"),
                       sa.func.sum(orders.c.qty).label("qty"))
             .select_from(customers.join(orders, orders.c.customer_id == customers.c.id))
             .group_by(customers.c.name)
             .order_by(customers.c.name))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    got = {r.name: (r.n, r.total, r.qty) for r in rows}
    check(got == expected, f"join + group by: {got} expected {expected}")
    check([r.name for r in rows] == sorted(expected), "ordered by name")

    # LEFT OUTER JOIN with HAVING and a bound parameter.
    query = (sa.select(customers.c.name, count)
             .select_from(customers.outerjoin(orders, orders.c.customer_id == customers.c.id))
             .where(customers.c.vip == sa.bindparam("vip"))
             .group_by(customers.c.name)
             .having(count < 3)
             .order_by(customers.c.name))
    with engine.connect() as conn:
        rows = conn.execute(query, {"vip": False}).all()
    want = sorted((c[1], sum(1 for o in ORDERS if o[1] == c[0])) for c in CUSTOMERS if not c[4])
    want = [w for w in want if w[1] < 3]
    check([tuple(r) for r in rows] == want, f"outer join + having: {rows} expected {want}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start_server(sys.argv[1], os.path.join(tmp, "data"))
        try:
            engine = sa.create_engine(f"postgresql+psycopg2://blockdb@127.0.0.1:{port}/blockdb")
            with engine.begin() as conn:
                for statement in DDL:
                    conn.execute(sa.text(statement))
            check(engine.dialect.server_version_info[0] == 15,
                  f"server version {engine.dialect.server_version_info}")
            check_reflection(engine)
            check_core(engine)
            engine.dispose()
        finally:
            stop_server(proc)
    print("sqlalchemy: all checks passed")


if __name__ == "__main__":
    main()
