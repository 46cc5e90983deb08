"""Outcome detection of `make bench` over the whole programme, each mode in a process of
its own. The seed has no payment-by-results contracts: each process first makes one for
every municipality and cluster that has citizens (terms as the demo's; half of them count
retention cumulatively, half continuously), and everything is rolled back at the end.

    python -m tests.bench.detection detect DAY  pbr's detection service (outcomes found,
                                                 written, accrued in the ledger) on DAY
                                                 (YYYY-MM-DD, or - for today)
    python -m tests.bench.detection floor DAY   one SQL statement finding the same outcomes

Prints one JSON object: seconds, the number of outcomes and a digest of them (contract,
kind, subject, date), peak RSS.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import date

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from participants.models import Citizen  # noqa: E402
from partnerships.models import Cluster, Municipality  # noqa: E402
from pbr import services  # noqa: E402
from pbr.models import Contract, Outcome, RetentionMode  # noqa: E402

from .memory import measured  # noqa: E402

# What outcomes_found finds, in one statement: each contract's version in force, the weeks
# of its citizens' paid placements (planned hours from the latest step) beside their logged
# paid hours, the larger counting; the first qualifying week, runs of 13/26/52 finished
# weeks (gaps and islands), companies' EBITDA two years after entry, the fixed part; each
# kept when it falls on a day a version of the contract is in force.
DETECTION_SQL = """
WITH c AS (
    SELECT DISTINCT ON (k.id) k.id, k.municipality_id, k.cluster_id, v.min_hours_per_week AS min_h,
           v.count_practice, v.retention_mode
    FROM pbr_contract k JOIN pbr_contractversion v ON v.contract_id = k.id
    WHERE v.valid_from <= %(as_of)s
    ORDER BY k.id, v.valid_from DESC
), z AS (
    SELECT c.id AS contract_id, z.id AS citizen_id, c.count_practice
    FROM c JOIN participants_citizen z
      ON z.municipality_id = c.municipality_id AND z.cluster_id = c.cluster_id
), planned AS (
    SELECT z.contract_id, p.citizen_id, w.monday::date AS monday, min(p.start) AS first_start,
           sum(COALESCE((SELECT s.hours_per_week FROM participants_placementstep s
                         WHERE s.placement_id = p.id
                           AND s.from_date <= GREATEST(w.monday::date, p.start)
                         ORDER BY s.from_date DESC, s.id DESC LIMIT 1),
                        p.hours_per_week)) AS hours
    FROM z JOIN participants_placement p ON p.citizen_id = z.citizen_id
    CROSS JOIN LATERAL generate_series(
        date_trunc('week', p.start), LEAST(COALESCE(p."end", %(as_of)s), %(as_of)s),
        interval '1 week') AS w(monday)
    WHERE p.start <= %(as_of)s
      AND (p.kind = ANY(%(paid)s) OR (z.count_practice AND p.kind = ANY(%(practice)s)))
    GROUP BY 1, 2, 3
), logged AS (
    SELECT z.contract_id, h.citizen_id, h.week_start AS monday, sum(h.hours) AS hours
    FROM z JOIN participants_hoursentry h ON h.citizen_id = z.citizen_id
    WHERE h.week_start <= %(as_of)s
      AND (h.kind = 'paid' OR (z.count_practice AND h.kind = 'practice'))
    GROUP BY 1, 2, 3
), qualifying AS (
    SELECT COALESCE(p.contract_id, l.contract_id) AS contract_id,
           COALESCE(p.citizen_id, l.citizen_id) AS citizen_id,
           COALESCE(p.monday, l.monday) AS monday, p.first_start
    FROM planned p FULL JOIN logged l
      ON l.contract_id = p.contract_id AND l.citizen_id = p.citizen_id AND l.monday = p.monday
    JOIN c ON c.id = COALESCE(p.contract_id, l.contract_id)
    WHERE GREATEST(COALESCE(p.hours, 0), COALESCE(l.hours, 0)) >= c.min_h
), started AS (
    SELECT DISTINCT ON (contract_id, citizen_id) contract_id, 'job_started' AS kind,
           'citizen:' || citizen_id AS subject, GREATEST(monday, first_start) AS achieved
    FROM qualifying ORDER BY contract_id, citizen_id, monday
), done AS (
    SELECT q.contract_id, q.citizen_id, q.monday, c.retention_mode,
           row_number() OVER (PARTITION BY q.contract_id, q.citizen_id ORDER BY q.monday) AS n
    FROM qualifying q JOIN c ON c.id = q.contract_id
    WHERE q.monday + 6 <= %(as_of)s
), runs AS (
    SELECT done.*, row_number() OVER (
        PARTITION BY contract_id, citizen_id, monday - 7 * n::int ORDER BY monday) AS r
    FROM done
), retained AS (
    SELECT contract_id, k.kind, 'citizen:' || citizen_id AS subject, min(monday) + 7 AS achieved
    FROM runs CROSS JOIN (VALUES (13, 'retained_13'), (26, 'retained_26'), (52, 'retained_52'))
         AS k(weeks, kind)
    WHERE (retention_mode = 'continuous' AND r = k.weeks)
       OR (retention_mode <> 'continuous' AND n = k.weeks)
    GROUP BY 1, 2, 3
), growth AS (
    SELECT c.id AS contract_id, 'ebitda_growth' AS kind, 'company:' || co.id AS subject,
           make_date(later.year, 12, 31) AS achieved
    FROM c JOIN accelerator_company co
      ON co.municipality_id = c.municipality_id AND co.enrolled_cluster_id = c.cluster_id
    JOIN accelerator_companyfinancial entry
      ON entry.company_id = co.id AND entry.year = co.entry_year
    JOIN accelerator_companyfinancial later
      ON later.company_id = co.id AND later.year = co.entry_year + 2
    WHERE co.role = 'accelerator' AND later.ebitda > entry.ebitda
), fixed AS (
    SELECT DISTINCT ON (v.contract_id) v.contract_id, 'fixed' AS kind,
           'contract:' || v.contract_id AS subject, v.valid_from AS achieved, v.fixed_part
    FROM pbr_contractversion v JOIN c ON c.id = v.contract_id
    ORDER BY v.contract_id, v.valid_from
), found AS (
    SELECT * FROM started UNION ALL SELECT * FROM retained UNION ALL SELECT * FROM growth
    UNION ALL SELECT contract_id, kind, subject, achieved FROM fixed WHERE fixed_part > 0
)
SELECT f.contract_id, f.kind, f.subject, f.achieved FROM found f
WHERE f.achieved <= %(as_of)s AND EXISTS (
    SELECT 1 FROM (SELECT valid_until FROM pbr_contractversion v
                   WHERE v.contract_id = f.contract_id AND v.valid_from <= f.achieved
                   ORDER BY v.valid_from DESC LIMIT 1) latest
    WHERE latest.valid_until IS NULL OR latest.valid_until >= f.achieved)
"""


class _RolledBack(Exception):
    pass


def make_contracts() -> int:
    """A contract for every municipality and cluster that has citizens."""
    from demo.pbr import TERMS

    pairs = (
        Citizen.objects.filter(cluster__isnull=False)
        .values_list("municipality_id", "cluster_id")
        .distinct()
        .order_by("municipality_id", "cluster_id")
    )
    pairs = list(pairs)
    municipalities = Municipality.objects.in_bulk({m for m, _c in pairs})
    clusters = Cluster.objects.in_bulk({c for _m, c in pairs})
    valid_from = date(timezone.localdate().year - 4, 1, 1)
    for index, (municipality, cluster) in enumerate(pairs):
        mode = RetentionMode.CUMULATIVE if index % 2 else RetentionMode.CONTINUOUS
        services.contract_create(
            municipality=municipalities[municipality],
            cluster=clusters[cluster],
            by=None,
            valid_from=valid_from,
            retention_mode=mode,
            fixed_part=100 if index % 3 == 0 else 0,
            **TERMS,
        )
    return len(pairs)


def _answer(rows) -> dict:
    # A contract by its municipality and cluster, in the outcome and in a fixed part's
    # subject ("contract:<id>"): each process makes its own contracts, with ids of its own.
    contracts = {
        pk: f"{m}/{c}"
        for pk, m, c in Contract.objects.values_list("pk", "municipality_id", "cluster_id")
    }

    def subject(text: str) -> str:
        kind, _, pk = text.partition(":")
        return f"contract:{contracts[int(pk)]}" if kind == "contract" else text

    keys = sorted(f"{contracts[c]}|{k}|{subject(s)}|{d.isoformat()}" for c, k, s, d in rows)
    return {"outcomes": len(keys), "digest": hashlib.sha256("\n".join(keys).encode()).hexdigest()}


def detect(as_of: date) -> dict:
    answer = {}
    try:
        with transaction.atomic():
            answer["contracts"] = make_contracts()
            _report, figures = measured(lambda: services.detect_outcomes(as_of=as_of))
            found = Outcome.objects.values_list("contract_id", "kind", "subject", "achieved_on")
            answer.update(_answer(found))
            answer["accrued"] = len(_report.accrued)
            raise _RolledBack
    except _RolledBack:
        pass
    return {**answer, **figures}


def found_by_sql(as_of: date) -> list[tuple]:
    """(contract id, kind, subject, date) of every outcome the data show on `as_of`."""
    from participants.placements.models import PAID_PLACEMENT_KINDS, PlacementKind

    params = {
        "as_of": as_of,
        "paid": sorted(PAID_PLACEMENT_KINDS),
        "practice": [PlacementKind.PRAKTIK.value, PlacementKind.SNUSE_PRAKTIK.value],
    }
    with connection.cursor() as cursor:
        cursor.execute(DETECTION_SQL, params)
        return cursor.fetchall()


def floor(as_of: date) -> dict:
    answer = {}
    try:
        with transaction.atomic():
            answer["contracts"] = make_contracts()
            rows, figures = measured(lambda: found_by_sql(as_of))
            answer.update(_answer(rows))
            raise _RolledBack
    except _RolledBack:
        pass
    return {**answer, **figures}


def main(mode: str, day: str) -> None:
    as_of = date.fromisoformat(day) if day != "-" else timezone.localdate()
    print(json.dumps({"detect": detect, "floor": floor}[mode](as_of)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "-")
