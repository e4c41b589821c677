"""Database time of the common artist searches (issue 20): EXPLAIN ANALYZE of every query the
search API runs, best of 3, with the wall time of the request in-process.

    DATABASE_URL=postgres://postgres@127.0.0.1:55701/aux_load .venv/bin/python manage.py shell \\
        < bench/search_dbtime.py

Point it at bench/load.py's database (`--keep` leaves it running); max_fee is in cents (API).
"""

import re
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

QUERIES = [
    "",
    "q=house",
    "q=dark",
    "q=peggi+gou",
    "q=velvet+harbor",
    "q=berlin",
    "sort=fee",
    "max_fee=200000",
    "max_fee=200000&currency=USD&sort=fee",
    "country=FR",
    "verified=true",
    "genre=house",
    "genre=house&mood=dark&emerging=true",
    "deliverable=dj-set&sort=fee",
    "q=house&country=DE&sort=fee",
    "q=electro&sort=audience",
    "listeners_min=100000&sort=fee",
    "available_on=2027-03-01",
]
c = Client()
c.get("/artists/")
for q in QUERIES:
    best = None
    for _ in range(3):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            r = c.get("/api/v1/artists/?" + q)
            wall = (time.perf_counter() - t) * 1000
        total = 0.0
        with connection.cursor() as cur:
            for x in ctx.captured_queries:
                if x["sql"].startswith("SELECT"):
                    cur.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + x["sql"])
                    out = "\n".join(row[0] for row in cur.fetchall())
                    total += float(re.search(r"Execution Time: ([\d.]+)", out).group(1))
        best = min(best or (1e9, 0), (total, wall))
    body = r.json()
    count = f"{body['count']}{'' if body['count_is_exact'] else '+'}"
    label = q or "(no filter)"
    print(f"{label:45s} db {best[0]:7.1f} ms  wall {best[1]:7.1f} ms  count {count}")
