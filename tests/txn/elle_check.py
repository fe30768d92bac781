"""A small Elle-style checker for append-only lists (Kingsbury and Alvaro, "Elle: Inferring
Isolation Anomalies from Experimental Observations", 2020), for the tests in tests/txn/.

The model: a list is the set of rows with one list key, ordered by position; a transaction
appends unique values to lists and reads whole lists. Because every value is unique and a list
only grows, the final state of each list (read once after the workload) is the version order of
that key: its i-th element was written by the i-th append. From it and the recorded reads of
committed transactions, dependencies between committed transactions follow (Adya):

  ww  T1 -> T2  T2 appended the element right after T1's in some list
  wr  T1 -> T2  T2 read a list whose last element (as T2 saw it) T1 appended
  rw  T1 -> T2  T1 read a list and T2 appended the element right after the last one T1 saw

A serializable history has no cycle in this graph. A cycle of ww edges only is G0, of ww and wr
edges G1c, with rw edges G2 (G-single when there is exactly one). Before the graph, each value is
checked on its own: an aborted transaction's element visible anywhere (G1a), a read ending in the
middle of another transaction's appends to that list (G1b), a read that is not a prefix of the
final list, a committed append missing from it.
"""
from collections import namedtuple

# ops: ("append", key, value) or ("read", key, [values in list order]), in execution order.
Txn = namedtuple("Txn", "id committed ops")


def check(history, final):
    """history: every Txn a client ran (committed or not); final: {key: [values]} after the
    run. Returns a list of anomaly descriptions; empty when the history is serializable."""
    problems = []
    writer = {}  # value -> (txn id, key)
    for t in history:
        for op in t.ops:
            if op[0] == "append":
                assert op[2] not in writer, f"value {op[2]} appended twice by the workload"
                writer[op[2]] = (t.id, op[1])
    committed = {t.id: t for t in history if t.committed}

    # Each element of each final list: known, written to that key, by a committed transaction.
    for key, values in final.items():
        if len(set(values)) != len(values):
            problems.append(f"duplicate elements in list {key}: {values}")
        for v in values:
            w = writer.get(v)
            if w is None or w[1] != key:
                problems.append(f"list {key} holds {v}, which nobody appended to it")
            elif w[0] not in committed:
                problems.append(f"G1a: list {key} holds {v} of aborted transaction {w[0]}")
    # Each committed append is in its list (a lost write otherwise).
    for t in committed.values():
        for op in t.ops:
            if op[0] == "append" and op[2] not in final.get(op[1], []):
                problems.append(f"lost write: {op[2]} of committed T{t.id} not in list {op[1]}")
    if problems:
        return problems  # the version order is not trustworthy: no graph

    # Last element each transaction appended to each list (for G1b).
    last_append = {}
    for t in committed.values():
        for op in t.ops:
            if op[0] == "append":
                last_append[(t.id, op[1])] = op[2]

    edges = {}  # (from, to) -> set of kinds

    def edge(a, b, kind):
        if a != b:
            edges.setdefault((a, b), set()).add(kind)

    for key, values in final.items():
        for prev, nxt in zip(values, values[1:]):
            edge(writer[prev][0], writer[nxt][0], "ww")
    for t in committed.values():
        for op in t.ops:
            if op[0] != "read":
                continue
            key, seen = op[1], op[2]
            order = final.get(key, [])
            if seen != order[:len(seen)]:
                problems.append(f"T{t.id} read list {key} as {seen}, not a prefix of {order}")
                continue
            if seen:
                w = writer[seen[-1]][0]
                edge(w, t.id, "wr")
                if w != t.id and last_append[(w, key)] != seen[-1]:
                    problems.append(f"G1b: T{t.id} read list {key} up to {seen[-1]}, in the "
                                    f"middle of T{w}'s appends")
            if len(seen) < len(order):
                edge(t.id, writer[order[len(seen)]][0], "rw")
    return problems + [describe(c, edges) for c in cycles(committed, edges)]


def cycles(nodes, edges):
    """One cycle in each strongly connected component of more than one node (Tarjan's
    algorithm, iterative so that long histories do not hit Python's recursion limit)."""
    succ = {n: [] for n in nodes}
    for a, b in edges:
        succ[a].append(b)
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            if i < len(succ[node]):
                work.append((node, i + 1))
                nxt = succ[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = set()
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    component.add(m)
                    if m == node:
                        break
                if len(component) > 1:
                    found.append(cycle_in(component, succ))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def cycle_in(component, succ):
    """A shortest cycle through some node of a strongly connected component (breadth first)."""
    start = min(component)
    prev = {start: None}
    queue = [start]
    for node in queue:
        for nxt in succ[node]:
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(prev[path[-1]])
                return path[::-1] + [start]
            if nxt in component and nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    raise AssertionError("a strongly connected component without a cycle")


def describe(cycle, edges):
    """Names the anomaly of a cycle [T_a, T_b, ..., T_a] by the kinds of its edges."""
    kinds = [edges[(a, b)] for a, b in zip(cycle, cycle[1:])]
    rw = sum(1 for k in kinds if k == {"rw"})
    if all("ww" in k for k in kinds):
        name = "G0"
    elif rw == 0:
        name = "G1c"
    else:
        name = "G-single" if rw == 1 else "G2"
    steps = "".join(f"T{a} -{'/'.join(sorted(k))}-> " for a, k in zip(cycle, kinds))
    return f"{name}: cycle {steps}T{cycle[-1]}"


def self_test():
    """The checker must find each anomaly in a small made-up history, and nothing in a serial
    one."""
    def run(history, final):
        return check([Txn(*t) for t in history], final)

    serial = [(1, True, [("append", "x", 1), ("append", "y", 2)]),
              (2, True, [("read", "x", [1]), ("append", "x", 3)]),
              (3, True, [("read", "x", [1, 3]), ("read", "y", [2])])]
    assert run(serial, {"x": [1, 3], "y": [2]}) == []
    # G0: T1 before T2 in x, after it in y.
    g0 = [(1, True, [("append", "x", 1), ("append", "y", 2)]),
          (2, True, [("append", "y", 3), ("append", "x", 4)])]
    found = run(g0, {"x": [1, 4], "y": [3, 2]})
    assert len(found) == 1 and found[0].startswith("G0"), found
    # G1c: each reads the other's append.
    g1c = [(1, True, [("append", "x", 1), ("read", "y", [2])]),
           (2, True, [("append", "y", 2), ("read", "x", [1])])]
    found = run(g1c, {"x": [1], "y": [2]})
    assert len(found) == 1 and found[0].startswith("G1c"), found
    # Write skew: each misses the other's append.
    g2 = [(1, True, [("read", "x", []), ("append", "y", 1)]),
          (2, True, [("read", "y", []), ("append", "x", 2)])]
    found = run(g2, {"x": [2], "y": [1]})
    assert len(found) == 1 and found[0].startswith("G2"), found
    # G-single: T2 reads T1's y but misses T1's x: T1 -wr-> T2 -rw-> T1.
    gs = [(1, True, [("append", "x", 1), ("append", "y", 2)]),
          (2, True, [("read", "x", []), ("read", "y", [2])])]
    found = run(gs, {"x": [1], "y": [2]})
    assert len(found) == 1 and found[0].startswith("G-single"), found
    # G1a: an aborted append visible.
    g1a = [(1, False, [("append", "x", 1)]), (2, True, [("read", "x", [1])])]
    assert run(g1a, {"x": [1]})[0].startswith("G1a")
    # G1b: a read ending between two appends of one transaction.
    g1b = [(1, True, [("append", "x", 1), ("append", "x", 2)]),
           (2, True, [("read", "x", [1])])]
    assert any(p.startswith("G1b") for p in run(g1b, {"x": [1, 2]}))
    # A lost write and a read that is not a prefix.
    assert run([(1, True, [("append", "x", 1)])], {"x": []})[0].startswith("lost write")
    bad = [(1, True, [("append", "x", 1)]), (2, True, [("append", "x", 2)]),
           (3, True, [("read", "x", [2])])]
    assert "not a prefix" in run(bad, {"x": [1, 2]})[0]
    # A longer cycle through five transactions.
    ring = [(i, True, [("read", i, []), ("append", (i + 1) % 5, 100 + i)]) for i in range(5)]
    found = run(ring, {(i + 1) % 5: [100 + i] for i in range(5)})
    assert len(found) == 1 and found[0].startswith("G2") and found[0].count("->") == 5, found
