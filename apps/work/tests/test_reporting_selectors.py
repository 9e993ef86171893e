"""The reporting reads: the numbers added up across units against plain SQL, a cycle's state per unit, constant
queries whatever the number of units, and the unit scope (a commune never sees another commune's report)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from apps.org.models import Unit
from apps.org.tests.factories import UnitFactory
from apps.work.models import ReportField, ReportSubmission
from apps.work.selectors import reporting as selectors
from apps.work.services import reporting
from apps.work.services.reporting import FieldSpec
from apps.work.tests.factories import staff_in, world

pytestmark = pytest.mark.django_db


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def ask(w, recipients=None, from_unit=None, actor=None):
    return reporting.create_request(
        actor=actor or w.chairman, from_unit=from_unit or w.province, title="Báo cáo tháng", recipients=recipients,
        fields=[FieldSpec("Hồ sơ tiếp nhận", "number"), FieldSpec("Kinh phí", "number", measure="triệu đồng"),
                FieldSpec("Ghi chú", "text", required=False)],
        frequency="month", due_day=20, starts_on=dt.date(2026, 11, 15), now=local(2026, 11, 20, 9),
    )  # fmt: skip


def send(request, unit, actor, received, money, *, submit=True, at=None):
    f = {x.label: x.pk for x in request.fields.all()}
    sub = ReportSubmission.objects.get(cycle__request=request, unit=unit)
    reporting.save_values(actor=actor, submission=sub, values={f["Hồ sơ tiếp nhận"]: received, f["Kinh phí"]: money})
    if submit:
        reporting.submit_report(actor=actor, submission=sub, now=at or local(2026, 12, 18, 9))
    return sub


def sql_totals(cycle_id: int) -> dict[int, Decimal]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT v.field_id, SUM(v.number)
            FROM work_reportvalue v JOIN work_reportsubmission s ON s.id = v.submission_id
            WHERE s.cycle_id = %s AND s.status IN ('submitted', 'accepted') AND v.number IS NOT NULL
            GROUP BY v.field_id
            """,
            [cycle_id],
        )
        return {field_id: Decimal(str(total)).quantize(Decimal("0.01")) for field_id, total in cursor.fetchall()}


def test_the_numbers_added_up_across_units_agree_with_plain_sql_and_count_only_sent_reports():
    w = world()
    justice_clerk = staff_in(w.justice, "handling_officer")
    request = ask(w, recipients=[w.commune, w.other_commune, w.office, w.justice, w.culture])
    send(request, w.commune, w.commune_chairman, "120", "15,5")
    send(request, w.other_commune, w.other_chairman, "80", "4,25", at=local(2026, 12, 22, 9))
    send(request, w.office, w.office_head, "7", "1.000")
    send(request, w.justice, justice_clerk, "999", "999", submit=False)  # a draft is not counted
    returned = send(request, w.culture, w.culture_head, "50", "50")
    reporting.return_report(actor=w.chairman, submission=returned, note="Sai số")  # being corrected: not counted
    cycle = request.cycles.get()
    f = {x.label: x.pk for x in request.fields.all()}
    totals = selectors.number_totals(cycle)
    assert totals == sql_totals(cycle.pk)
    # By hand: 120 + 80 + 7 = 207 dossiers; 15.5 + 4.25 + 1000 = 1019.75 million.
    assert totals == {f["Hồ sơ tiếp nhận"]: Decimal("207.00"), f["Kinh phí"]: Decimal("1019.75")}


def test_a_cycle_shows_who_sent_who_is_late_and_who_has_not_sent():
    w = world()
    request = ask(w, recipients=[w.commune, w.other_commune, w.justice])
    send(request, w.commune, w.commune_chairman, "1", "1", at=local(2026, 12, 18, 9))
    send(request, w.other_commune, w.other_chairman, "2", "2", at=local(2026, 12, 22, 9))
    cycle = request.cycles.get()
    before = {s.unit: s.state for s in selectors.cycle_table(cycle, now=local(2026, 12, 21, 17, 0)).submissions}
    assert before == {w.commune: "submitted", w.other_commune: "submitted", w.justice: "missing"}
    table = selectors.cycle_table(cycle, now=local(2026, 12, 21, 17, 1))
    assert {s.unit: (s.state, s.outcome) for s in table.submissions} == {
        w.commune: ("submitted", "early"),
        w.other_commune: ("submitted", "late"),
        w.justice: ("late", ""),
    }
    assert table.counts == {"submitted": 2, "accepted": 0, "returned": 0, "late": 1, "missing": 0, "sent_late": 1}
    listed = selectors.request_cycles(request).get()
    assert (listed.units, listed.sent, listed.sent_late, listed.not_sent) == (3, 2, 1, 1)


def test_a_cycles_table_takes_the_same_queries_for_many_units(django_assert_max_num_queries):
    w = world()
    for n in range(12):
        UnitFactory(name=f"Ủy ban nhân dân xã Số {n}", parent=w.province, level=Unit.Level.COMMUNE)
    request = ask(w)
    send(request, w.commune, w.commune_chairman, "3", "3")
    cycle = selectors.cycle_for(w.chairman, request.cycles.get().pk)
    with django_assert_max_num_queries(4):
        table = selectors.cycle_table(cycle)
        rows = list(table.rows())
    assert len(rows) == 16 and table.values  # 4 units directly under the province and 12 more communes


def test_a_commune_sees_only_its_own_report_of_a_request_addressed_to_it():
    w = world()
    request = ask(w, recipients=[w.commune, w.other_commune])
    mine = send(request, w.commune, w.commune_chairman, "5", "5")
    theirs = ReportSubmission.objects.get(cycle__request=request, unit=w.other_commune)
    assert selectors.request_for(w.other_officer, request.pk) == request
    assert not selectors.is_requester_side(w.other_chairman, request)
    assert selectors.cycle_for(w.other_chairman, request.cycles.get().pk) is None
    assert selectors.submission_for(w.other_chairman, mine.pk) is None
    assert selectors.submission_for(w.other_officer, mine.pk) is None
    assert selectors.submission_for(w.other_officer, theirs.pk) == theirs
    assert list(selectors.unit_submissions(w.other_chairman, request)) == [theirs]
    assert selectors.value_for(w.other_chairman, mine.pk, request.fields.first().pk) is None
    assert selectors.submission_for(w.chairman, mine.pk) == mine  # the requester sees every unit's report
    assert [s.unit for s in selectors.reports_to_submit(w.other_chairman)] == [w.other_commune]
    assert list(selectors.reports_to_submit(w.commune_chairman)) == []  # already sent


def test_a_communes_own_request_to_its_division_is_invisible_to_another_commune():
    w = world()
    request = ask(w, from_unit=w.commune, actor=w.commune_chairman)
    assert [s.unit for s in ReportSubmission.objects.filter(cycle__request=request)] == [w.culture]
    assert selectors.request_for(w.other_chairman, request.pk) is None
    assert request not in selectors.visible_requests(w.other_officer)
    assert selectors.request_for(w.culture_officer, request.pk) == request
    assert selectors.request_for(w.chairman, request.pk) == request
    assert ReportField.objects.filter(request=request).count() == 3
