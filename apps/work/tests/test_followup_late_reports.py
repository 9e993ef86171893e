"""The leader's follow-up names the units that owe reports past due (issue 12: "the superior sees who is late"),
on the page and in the API, within the leader's units only."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from apps.work.models import ReportSubmission
from apps.work.selectors.reporting import late_reports_by_unit
from apps.work.services import reporting
from apps.work.tests.factories import world
from apps.work.tests.test_reporting_services import fields_of, local, monthly

pytestmark = pytest.mark.django_db


def owed_by(w):
    """November 2026's monthly report (figures 15/10-14/11, due Friday 20/11/2026 17:00): An Phú sends it on the
    19th; Bình Minh does not; a month later December's (due Monday 21/12, the 20th being a Sunday) is owed by both."""
    request = monthly(w, starts_on=dt.date(2026, 10, 15), now=local(2026, 11, 2, 9, 0))
    f = fields_of(request)
    november = ReportSubmission.objects.get(cycle__request=request, unit=w.commune, cycle__label__contains="11")
    reporting.save_values(actor=w.commune_chairman, submission=november, values={
        f["Số hồ sơ tiếp nhận"].pk: "5", f["Kinh phí đã chi"].pk: "1", f["Đánh giá chung"].pk: "Tốt"})  # fmt: skip
    reporting.submit_report(actor=w.commune_chairman, submission=november, now=local(2026, 11, 19, 9))
    return request


def test_the_follow_up_counts_the_reports_each_led_unit_owes_past_due():
    w = world()
    request = owed_by(w)
    with time_machine.travel(local(2026, 11, 23, 8, 0), tick=False):
        assert [(r.unit_name, r.late) for r in late_reports_by_unit(w.chairman)] == [(w.other_commune.name, 1)]
        assert late_reports_by_unit(w.commune_chairman) == []  # An Phú owes nothing
        assert [(r.unit_name, r.late) for r in late_reports_by_unit(w.other_chairman)] == [(w.other_commune.name, 1)]
        assert late_reports_by_unit(w.culture_officer) == []  # not a leader
    reporting.open_due_cycles(request, now=local(2026, 12, 16, 8))
    with time_machine.travel(local(2026, 12, 22, 8, 0), tick=False):
        owed = {r.unit_name: r.late for r in late_reports_by_unit(w.chairman)}
        assert owed == {w.commune.name: 1, w.other_commune.name: 2}


def test_the_count_is_one_query_whatever_the_reports(django_assert_max_num_queries):
    w = world()
    owed_by(w)
    with time_machine.travel(local(2026, 11, 23, 8, 0), tick=False):
        late_reports_by_unit(w.chairman)  # the leader's roles and units are read once per request
        with django_assert_max_num_queries(1):
            late_reports_by_unit(w.chairman)


def test_the_page_and_the_api_show_them_to_the_leader_only():
    w = world()
    owed_by(w)
    with time_machine.travel(local(2026, 11, 23, 8, 0), tick=False):
        browser = Client()
        browser.force_login(w.chairman)
        page = browser.get("/can-bo/cong-viec/theo-doi/").content.decode()
        assert "Báo cáo quá hạn chưa nộp" in page and w.other_commune.name in page
        client = APIClient()
        client.force_authenticate(w.chairman)
        answer = client.get("/api/v1/work/follow-up/late-reports/").json()
        assert [(r["unit_name"], r["late"]) for r in answer] == [(w.other_commune.name, 1)]
        client.force_authenticate(w.commune_chairman)
        assert client.get("/api/v1/work/follow-up/late-reports/").json() == []
