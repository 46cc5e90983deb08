"""The slowest query of the bench's pages, with its plan:

    DATABASE_URL=postgres://…/siv_bench_50000 DJANGO_SETTINGS_MODULE=tests.bench.settings \\
        python -m tests.bench.explain ["page name" …]

Each page (tests/bench/targets.py; all of them without names) is asked twice through Django's
test client as its bench user, the second time with its queries captured; each of them is
run again under EXPLAIN (ANALYZE, BUFFERS), in a transaction rolled back, and the slowest
by its plan's execution time kept. Prints one JSON object: per page, its query count, the
plans' total execution time and the slowest query with its plan. Not a test: nothing here
runs in the suite.
"""

from __future__ import annotations

import json
import sys

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .measure import resolve, session_cookie  # sets Django up
from .targets import PAGES


def slowest_query(path: str, username: str) -> dict:
    """The page's queries (its second request), each run again under EXPLAIN ANALYZE: one
    timing under a loaded machine's noise says little, the plan's own execution time more."""
    client = Client()
    name, _, value = session_cookie(username).partition("=")
    client.cookies[name] = value
    assert client.get(path).status_code == 200, path
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    queries = [query["sql"] for query in captured.captured_queries]
    plans = [explain(sql) for sql in queries if not sql.startswith(NOT_EXPLAINED)]
    worst = max(plans, key=execution_ms)
    return {
        "queries": len(queries),
        "explained_ms": round(sum(execution_ms(plan) for plan in plans), 1),
        "slowest_ms": execution_ms(worst),
        "slowest_sql": worst["sql"],
        "plan": worst["plan"],
    }


# Transaction control and savepoints have no plan.
NOT_EXPLAINED = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT", "SET ")


def explain(sql: str) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of one statement as it was sent (its values inlined), in a
    transaction rolled back: the audit row a page writes is not written twice."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    return {"sql": sql, "plan": plan}


def execution_ms(explained: dict) -> float:
    for line in reversed(explained["plan"]):
        if line.startswith("Execution Time:"):
            return float(line.split()[2])
    return 0.0


def main(names: list[str]) -> None:
    chosen = [page for page in PAGES if not names or page.name in names]
    missing = set(names) - {page.name for page in chosen}
    if missing:
        raise SystemExit(f"no such page: {sorted(missing)}")
    result = {}
    for page in chosen:
        path = resolve(page)
        if path is not None:
            result[page.name] = {"path": path, **slowest_query(path, page.username())}
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
