import datetime as dt

import pytest

from apps.dossiers import selectors, services
from apps.dossiers.models import Dossier
from apps.dossiers.tests.factories import APPLICANT, world
from tests.helpers import at, walk_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def _at_handling_step(w, n: int, moment: dt.datetime):
    dossiers = [walk_in(w, moment) for _ in range(n)]
    for dossier in dossiers:
        services.dossier_forward(actor=w.clerk, dossier=dossier, now=moment)
    return dossiers


def test_scope_each_role_sees_its_part_and_never_the_other_commune(w):
    mine = _at_handling_step(w, 2, at("25/11/2026", "09:00"))
    theirs = services.dossier_receive_walk_in(
        actor=w.other_clerk,
        desk=w.other_desk,
        procedure=w.procedure,
        applicant=APPLICANT,
        provided_paper_ids=w.paper_ids(),
    )
    for user in (w.clerk, w.officer, w.chairman):
        codes = set(selectors.dossiers_visible_to(user).values_list("code", flat=True))
        assert codes == {d.code for d in mine}, user.username
    assert set(selectors.dossiers_visible_to(w.other_clerk).values_list("code", flat=True)) == {theirs.code}
    with pytest.raises(Dossier.DoesNotExist):
        selectors.dossier_for(w.clerk, code=theirs.code)


def test_queues_and_counts(w):
    moment = at("25/11/2026", "09:00")
    _at_handling_step(w, 3, moment)
    walk_in(w, moment)  # still at the desk's receive step
    # Handle step due: from 13:30 Wed, 1.5 days → Fri 27/11 11:30.
    counts = selectors.queue_counts(w.officer, now=at("26/11/2026", "09:00"))
    assert counts == {"waiting": 0, "mine": 3, "unit": 3, "due_soon": 3, "late": 0}
    assert selectors.queue_counts(w.officer, now=at("27/11/2026", "14:00"))["late"] == 3
    assert selectors.queue_counts(w.clerk, now=moment)["mine"] == 1
    assert selectors.queue_counts(w.chairman, now=moment)["unit"] == 4


def test_queue_query_count_does_not_grow_with_rows(w, django_assert_max_num_queries):
    moment = at("25/11/2026", "09:00")
    _at_handling_step(w, 2, moment)
    with django_assert_max_num_queries(4) as small:
        rows = [
            (d.procedure.name, d.current_step.unit.name, d.desk.name)
            for d in selectors.work_queue(w.officer, now=moment)
        ]
    _at_handling_step(w, 12, moment)
    with django_assert_max_num_queries(len(small.captured_queries)):
        rows = [
            (d.procedure.name, d.current_step.unit.name, d.desk.name)
            for d in selectors.work_queue(w.officer, now=moment)
        ]
    assert len(rows) == 14


def test_late_report_groups_by_unit_and_officer(w):
    _at_handling_step(w, 2, at("25/11/2026", "09:00"))
    report = selectors.late_and_at_risk(w.chairman, now=at("01/12/2026", "09:00"))
    assert report["by_unit"] == [{"current_unit__name": "Phòng Văn hóa - Xã hội", "count": 2}]


def test_queue_columns_follow_the_current_step_through_every_move(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    dossier.refresh_from_db()
    assert (dossier.current_unit, dossier.current_due_at) == (w.desk, dossier.current_step.due_at)
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    services.dossier_request_supplement(
        actor=w.officer, dossier=dossier, items="x", reason="y", now=at("26/11/2026", "07:30")
    )
    services.dossier_supplement_received(actor=w.clerk, dossier=dossier, now=at("30/11/2026", "07:30"))
    dossier.refresh_from_db()
    assert (dossier.current_unit, dossier.current_due_at) == (w.culture, dossier.current_step.due_at)
    services.dossier_withdraw(actor=w.clerk, dossier=dossier, reason="Công dân rút")
    dossier.refresh_from_db()
    assert (dossier.current_step, dossier.current_unit, dossier.current_due_at) == (None, None, None)


def test_online_dossiers_waiting_for_the_desk_are_its_first_tab_searchable_and_scoped(w, client):
    moment = at("25/11/2026", "09:00")
    applicant = APPLICANT | {"applicant_name": "Trần Thị Bích Ngọc"}
    online = services.dossier_submit_online(
        procedure=w.procedure, filing_unit=w.commune, applicant=applicant, now=moment
    )
    walk_in(w, moment)  # received at the desk: its clock runs, it is not waiting for a check
    assert selectors.queue_counts(w.clerk, now=moment)["waiting"] == 1
    assert [d.code for d in selectors.work_queue(w.clerk, scope="waiting", query="bich ngoc")] == [online.code]
    assert [d.code for d in selectors.work_queue(w.clerk, scope="waiting", query=online.code)] == [online.code]
    assert list(selectors.work_queue(w.clerk, scope="waiting", query="khong co ai")) == []
    assert selectors.queue_counts(w.other_clerk, now=moment)["waiting"] == 0  # another commune's desk
    client.force_login(w.clerk)
    page = client.get("/can-bo/ho-so/").content.decode()  # the clerk lands on the waiting tab
    assert online.code in page and "Chờ tiếp nhận trực tuyến" in page
    home = client.get("/can-bo/").content.decode()
    assert "Hồ sơ trực tuyến chờ tiếp nhận" in home and "?scope=waiting" in home
    client.force_login(w.other_clerk)
    assert online.code not in client.get("/can-bo/ho-so/?scope=waiting").content.decode()
    services.dossier_receive(actor=w.clerk, dossier=online, provided_paper_ids=w.paper_ids(), now=moment)
    assert selectors.queue_counts(w.clerk, now=moment)["waiting"] == 0
