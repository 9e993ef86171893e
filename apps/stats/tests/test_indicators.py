"""Every figure of the dashboard recomputed with plain SQL over the same data, and the Decision 766 points."""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from apps.core.projections import recounting
from apps.dossiers.models import Dossier
from apps.org.models import Unit
from apps.stats import selectors
from apps.stats.selectors import Period

pytestmark = pytest.mark.django_db
YEAR = Period("year", 2026)


def sql_count(query: str, params: list) -> int:
    """Datetimes are adapted as the database stores them (UTC text on SQLite), the rest is plain SQL."""
    adapt = connection.ops.adapt_datetimefield_value
    params = [adapt(p) if isinstance(p, dt.datetime) else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


def sql_dossier_counts(unit: Unit, start, end) -> dict[str, int]:
    base = "FROM dossiers_dossier d JOIN org_unit u ON u.id = d.filing_unit_id WHERE u.path LIKE %s"
    prefix = unit.path + "%"
    period = " AND d.received_at >= %s AND d.received_at < %s"
    count = lambda where, extra=(): sql_count(f"SELECT COUNT(*) {base}{where}", [prefix, *extra])  # noqa: E731
    rated = (
        "FROM dossiers_rating r JOIN dossiers_dossier d ON d.id = r.dossier_id JOIN org_unit u "
        "ON u.id = d.filing_unit_id WHERE u.path LIKE %s AND r.created_at >= %s AND r.created_at < %s"
    )
    return {
        "received": count(period, (start, end)),
        "received_on_time": count(
            period + " AND d.status = 'returned' AND d.outcome IN ('early', 'on_time')", (start, end)
        ),
        "online": count(period + " AND d.channel = 'online'", (start, end)),
        "full_online": sql_count(
            f"SELECT COUNT(*) {base}{period} AND d.channel = 'online' AND d.procedure_id IN "
            "(SELECT id FROM procedures_procedure WHERE online_level = 'full')",
            [prefix, start, end],
        ),
        "paid": count(period + " AND d.payment IN ('paid_online', 'paid_at_desk')", (start, end)),
        "paid_online": count(period + " AND d.payment = 'paid_online'", (start, end)),
        "full_online_received": sql_count(
            f"SELECT COUNT(*) {base}{period} AND d.procedure_id IN "
            "(SELECT id FROM procedures_procedure WHERE online_level = 'full')",
            [prefix, start, end],
        ),
        # every required paper digitised (and at least one paper digitised)
        "digitised": count(
            period + " AND EXISTS (SELECT 1 FROM dossiers_dossierpaper p WHERE p.dossier_id = d.id AND "
            "p.digitised_at IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM dossiers_dossierpaper p LEFT JOIN "
            "procedures_requiredpaper r ON r.id = p.required_paper_id WHERE p.dossier_id = d.id AND "
            "p.digitised_at IS NULL AND (r.id IS NULL OR NOT r.optional))",
            (start, end),
        ),
        "results_digitised": count(
            period + " AND EXISTS (SELECT 1 FROM dossiers_attachment a WHERE a.dossier_id = d.id "
            "AND a.purpose = 'result')",
            (start, end),
        ),
        "reused": count(
            period + " AND EXISTS (SELECT 1 FROM dossiers_dossierpaper p WHERE p.dossier_id = d.id "
            "AND p.reused_from_id IS NOT NULL)",
            (start, end),
        ),
        "with_fee": count(period + " AND d.fee_vnd > 0", (start, end)),
        "returned": count(" AND d.returned_at >= %s AND d.returned_at < %s", (start, end)),
        "returned_on_time": count(
            " AND d.returned_at >= %s AND d.returned_at < %s AND d.outcome IN ('early', 'on_time')", (start, end)
        ),
        "late_now": count(
            " AND d.status IN ('received', 'in_progress', 'supplement_requested', 'ready') AND d.due_at < %s",
            (timezone.now(),),
        ),
        "ratings": sql_count(f"SELECT COUNT(*) {rated}", [prefix, start, end]),
        "ratings_satisfied": sql_count(
            f"SELECT COUNT(*) {rated} AND r.overall IN ('very_satisfied', 'satisfied')", [prefix, start, end]
        ),
        "politeness_satisfied": sql_count(
            f"SELECT COUNT(*) {rated} AND r.politeness IN ('very_satisfied', 'satisfied')", [prefix, start, end]
        ),
    }


def sql_feedback_counts(unit: Unit, start, end) -> dict[str, int]:
    mine = (
        "FROM feedback_feedback f LEFT JOIN org_unit a ON a.id = f.assigned_unit_id JOIN org_unit r "
        "ON r.id = f.receiving_unit_id WHERE (a.path LIKE %s OR (f.assigned_unit_id IS NULL AND r.path LIKE %s))"
    )
    prefix = unit.path + "%"
    count = lambda where, extra: sql_count(f"SELECT COUNT(*) {mine}{where}", [prefix, prefix, *extra])  # noqa: E731
    answered = " AND f.answered_at >= %s AND f.answered_at < %s"
    rated = (f"SELECT COUNT(*) FROM feedback_feedbackrating g WHERE g.rated_at >= %s AND g.rated_at < %s "
             f"AND g.feedback_id IN (SELECT f.id {mine})")  # fmt: skip
    return {
        "feedback_received": count(" AND f.received_at >= %s AND f.received_at < %s", (start, end)),
        "feedback_answered": count(answered, (start, end)),
        "feedback_on_time": count(answered + " AND f.answered_on_time", (start, end)),
        "feedback_published": count(answered + " AND f.is_public", (start, end)),
        "feedback_late_now": count(
            " AND f.status IN ('received', 'assigned', 'approval') AND f.due_at < %s", (timezone.now(),)
        ),
        "feedback_ratings": sql_count(rated, [start, end, prefix, prefix]),
        "feedback_satisfied": sql_count(
            rated.replace("WHERE", "WHERE g.level IN ('very_satisfied', 'satisfied') AND", 1),
            [start, end, prefix, prefix],
        ),
    }


@pytest.mark.parametrize("period", [YEAR, Period("quarter", 2026, 3), Period("month", 2026, 10)])
def test_every_count_equals_plain_sql(history, period):
    province = Unit.objects.get(parent__isnull=True, level="province", kind="peoples_committee")
    commune = Unit.objects.get(name="Ủy ban nhân dân xã An Phú")
    for unit in (province, commune):
        computed = selectors.indicators(unit, period)["counts"]
        expected = sql_dossier_counts(unit, period.start, period.end) | sql_feedback_counts(
            unit, period.start, period.end
        )
        assert computed == expected, unit
    assert expected["received"] > 0 or period.kind != "year"


def test_points_follow_the_formulas(history):
    province = Unit.objects.get(parent__isnull=True, level="province", kind="peoples_committee")
    data = selectors.indicators(province, YEAR)
    c, groups = data["counts"], {g["code"]: g["points"] for g in data["groups"]}
    q = Decimal("0.01")
    assert groups["progress"] == (20 * Decimal(c["received_on_time"]) / c["received"]).quantize(q, ROUND_HALF_UP)
    service = min(Decimal(1), Decimal(c["ratings_satisfied"]) / c["ratings"] / Decimal("0.9"))
    expected_satisfaction = (
        (6 * service).quantize(q, ROUND_HALF_UP)
        + (6 * Decimal(c["feedback_on_time"]) / c["feedback_answered"]).quantize(q, ROUND_HALF_UP)
        + (6 * Decimal(c["feedback_satisfied"]) / c["feedback_ratings"]).quantize(q, ROUND_HALF_UP)
    )
    assert groups["satisfaction"] == expected_satisfaction
    assert data["rates"]["satisfaction"] == (
        Decimal(100 * (c["ratings_satisfied"] + c["feedback_satisfied"])) / (c["ratings"] + c["feedback_ratings"])
    ).quantize(q, ROUND_HALF_UP)
    assert 0 <= selectors.total_points(data["groups"]) <= 100


def test_figures_follow_a_late_change_at_once(history):
    province = Unit.objects.get(parent__isnull=True, level="province", kind="peoples_committee")
    before = selectors.indicators(province, YEAR)["counts"]
    dossier = Dossier.objects.filter(status=Dossier.Status.RETURNED, outcome="on_time",
                                     received_at__year=2026, returned_at__year=2026).first()  # fmt: skip
    with recounting("dossier", dossier.pk):  # a data fix: a corrected hand-over time
        dossier.outcome = "late"
        dossier.save(update_fields=["outcome"])
    after = selectors.indicators(province, YEAR)["counts"]
    assert after["returned_on_time"] == before["returned_on_time"] - 1
    assert after["received_on_time"] == before["received_on_time"] - 1


def test_public_dashboard_pages_and_excel(history):
    client = Client()
    page = client.get("/chat-luong-phuc-vu/?ky=year&nam=2026")
    text = page.content.decode()
    assert page.status_code == 200 and "Tiến độ giải quyết" in text and "<svg" in text
    assert "Theo cán bộ" not in text  # officers are on the staff dashboard only
    bars = re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', text)  # no decimal commas
    assert len(bars) == 12 and max(float(height) for _, height in bars) > 0  # geometry: test_chart.py, e2e test_a11y
    export = client.get("/chat-luong-phuc-vu/?ky=quarter&nam=2026&so=3&xuat=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(export.content))
    assert book.sheetnames == ["Chỉ số", "Bộ chỉ số 766", "Đơn vị trực thuộc", "Theo thủ tục"]
    assert book["Chỉ số"]["A3"].value == "Hồ sơ tiếp nhận"
    children = {row[0].value: row for row in book["Đơn vị trực thuộc"].iter_rows(min_row=2)}
    an_phu = selectors.indicators(Unit.objects.get(name="Ủy ban nhân dân xã An Phú"), Period("quarter", 2026, 3))
    assert children["Ủy ban nhân dân xã An Phú"][1].value == an_phu["counts"]["received"]
    assert 'id="child-units"' in text and 'id="procedures"' in text


def test_child_units_and_procedures_add_up_and_match_plain_sql(history):
    province = Unit.objects.get(parent__isnull=True, level="province", kind="peoples_committee")
    children = selectors.child_rows(province, YEAR)
    commune = next(row for row in children if row["unit"].name == "Ủy ban nhân dân xã An Phú")
    expected = sql_dossier_counts(commune["unit"], YEAR.start, YEAR.end)
    expected |= sql_feedback_counts(commune["unit"], YEAR.start, YEAR.end)
    assert commune["counts"] == expected
    total = selectors.indicators(province, YEAR)["counts"]
    assert sum(row["counts"]["received"] for row in children) == total["received"]  # nothing filed with the province
    an_phu = commune["unit"]
    rows = selectors.child_rows(an_phu, YEAR)  # a commune's dossiers are filed with the commune itself
    assert rows[0]["itself"] and rows[0]["unit"] == an_phu and not any(row["itself"] for row in rows[1:])
    assert sum(row["counts"]["received"] for row in rows) == commune["counts"]["received"] > 0
    procedures = selectors.procedure_rows(province, YEAR)
    assert sum(row["received"] for row in procedures) == total["received"]
    assert sum(row["ratings"] for row in procedures) == total["ratings"]
    assert [row["received"] for row in procedures] == sorted((row["received"] for row in procedures), reverse=True)


def test_satisfaction_per_officer_matches_plain_sql(history):
    from apps.org.models import User

    province = Unit.objects.get(parent__isnull=True, level="province", kind="peoples_committee")
    rows = selectors.officer_satisfaction(province, YEAR)
    assert rows, "the generated history names the clerks who received and the officers who answered"
    row = max(rows, key=lambda r: r["ratings"])
    clerk = User.objects.get(username=row["officer__username"])
    rated = ("FROM dossiers_rating r JOIN dossiers_dossier d ON d.id = r.dossier_id WHERE d.received_by_id = %s "
             "AND r.created_at >= %s AND r.created_at < %s")  # fmt: skip
    assert row["ratings"] == sql_count(f"SELECT COUNT(*) {rated}", [clerk.pk, YEAR.start, YEAR.end])
    assert row["ratings_satisfied"] == sql_count(
        f"SELECT COUNT(*) {rated} AND r.overall IN ('very_satisfied', 'satisfied')", [clerk.pk, YEAR.start, YEAR.end]
    )
    answered = ("FROM feedback_feedbackrating g JOIN feedback_feedback f ON f.id = g.feedback_id "
                "WHERE f.answered_by_id = %s AND g.rated_at >= %s AND g.rated_at < %s")  # fmt: skip
    answerer = max(rows, key=lambda r: r["feedback_ratings"])
    officer = User.objects.get(username=answerer["officer__username"])
    assert answerer["feedback_ratings"] == sql_count(f"SELECT COUNT(*) {answered}", [officer.pk, YEAR.start, YEAR.end])
    assert answerer["feedback_ratings"] > 0


def test_steps_per_officer_match_plain_sql(history):
    from apps.org.models import User

    province = Unit.objects.get(parent__isnull=True, level="province", kind="peoples_committee")
    rows = selectors.officer_rows(province, YEAR)
    assert rows
    row = max(rows, key=lambda r: r["steps"])
    officer = User.objects.get(username=row["officer__username"])
    done = ("FROM dossiers_dossierstep s JOIN org_unit u ON u.id = s.unit_id WHERE s.finished_by_id = %s "
            "AND u.name = %s AND s.finished_at >= %s AND s.finished_at < %s")  # fmt: skip
    params = [officer.pk, row["unit__name"], YEAR.start, YEAR.end]
    assert row["steps"] == sql_count(f"SELECT COUNT(*) {done}", params) > 0
    assert row["steps_on_time"] == sql_count(f"SELECT COUNT(*) {done} AND s.outcome IN ('early', 'on_time')", params)


def test_staff_dashboard_is_scoped(history):
    from apps.org.models import User

    client = Client()
    client.force_login(User.objects.get(username="chutich.anphu"))
    page = client.get("/can-bo/chat-luong-phuc-vu/")
    assert page.status_code == 200 and "Theo cán bộ" in page.content.decode() and 'id="served"' in page.content.decode()
    export = client.get("/can-bo/chat-luong-phuc-vu/?xuat=xlsx")
    from io import BytesIO

    from openpyxl import load_workbook

    assert load_workbook(BytesIO(export.content)).sheetnames[-2:] == ["Cán bộ", "Hài lòng theo cán bộ"]
    other = Unit.objects.get(name="Ủy ban nhân dân xã Bình Minh")
    assert client.get(f"/can-bo/chat-luong-phuc-vu/?don-vi={other.pk}").status_code == 404
