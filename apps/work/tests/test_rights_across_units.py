"""What a reviewer tried as an attacker and a lawyer: drafting another agency's programme, tasking a programme item
twice or from a draft, reading other communes' staff names by id, deciding one's own extension, a conclusion notice
numbered outside the register. Each of these was possible once; each test states what must hold."""

import pytest
import time_machine
from rest_framework.test import APIClient

from apps.work.models import WorkProgram
from apps.work.tests.factories import world
from tests.helpers import at

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def w():
    with time_machine.travel(at("05/01/2026", "09:00"), tick=False):
        yield world()


def test_a_commune_officer_may_not_draft_the_provinces_programme(w):
    """may_draft was leads(unit) or works_within(user, unit): every member of any unit below the province is
    'within' the province, so an officer of commune B creates and fills the province's programme, and names
    commune A as lead unit of an item."""
    other = api_for(w.other_officer)
    created = other.post("/api/v1/work/programs/", {"unit": w.province.pk, "kind": "year", "year": 2026},
                         format="json")  # fmt: skip
    assert created.status_code == 403, created.json()
    assert not WorkProgram.objects.filter(unit=w.province).exists()


def test_a_commune_officer_may_not_fill_the_provinces_programme_with_another_communes_work(w):
    """Same hole at the service: an officer of commune B adds to the province's draft an item led by commune A's
    division with commune A's officer in charge, and submits it to the chairman."""
    import datetime as dt

    from apps.core.errors import PermissionDeniedError
    from apps.work.services import programmes as services

    program = services.create_program(actor=w.chairman, unit=w.province, kind="year", year=2026)
    with pytest.raises(PermissionDeniedError):
        services.add_item(
            actor=w.other_officer, program=program, title="Việc của xã An Phú", lead_unit=w.culture,
            person_in_charge=w.culture_officer, co_handlers=[], product_kind="report", product="",
            deadline=dt.date(2026, 3, 12),
        )  # fmt: skip


def test_a_programme_item_becomes_a_task_once_and_only_from_an_approved_programme(w):
    """make_task enforces 'approved programme, open item, tasked once'; POST /api/v1/work/tasks/ with program_item
    (and /can-bo/cong-viec/…/giao-moi/?item=) calls assign_task directly and skips all three rules."""
    import datetime as dt

    from apps.work.models import Task
    from apps.work.services import programmes as services

    program = services.create_program(actor=w.culture_officer, unit=w.commune, kind="year", year=2026)
    item = services.add_item(
        actor=w.culture_officer, program=program, title="Rà soát hộ nghèo", lead_unit=w.culture,
        person_in_charge=w.culture_officer, co_handlers=[], product_kind="report", product="Báo cáo",
        deadline=dt.date(2026, 3, 12),
    )  # fmt: skip
    chairman = api_for(w.commune_chairman)
    body = {"title": "Rà soát hộ nghèo", "unit": w.culture.pk, "deadline": "2026-03-12", "program_item": item.pk}
    first = chairman.post("/api/v1/work/tasks/", body, format="json")
    second = chairman.post("/api/v1/work/tasks/", body, format="json")
    assert first.status_code == 409, "the programme is a draft: no task from it yet"
    assert second.status_code == 409, "the same item is tasked once"
    assert Task.objects.filter(program_item=item).count() == 0


def test_a_commune_chairman_cannot_read_other_communes_staff_names_by_id(w):
    """The write serializers take any user id (User.objects.filter(is_active=True)) and the services name the
    person in the refusal: POST /api/v1/work/schedule/ with leaders=[id] answers "<full name> không phải lãnh đạo
    của …" for every id in the province, so a commune's leader (or its văn thư) lists every civil servant's name."""
    w.other_officer.full_name = "Trần Thị Bí Mật"
    w.other_officer.save(update_fields=["full_name"])
    body = {
        "unit": w.commune.pk, "kind": "meeting", "title": "Họp", "starts_at": "2026-01-06T08:00:00+07:00",
        "ends_at": "2026-01-06T09:00:00+07:00", "location": "Hội trường", "leaders": [w.other_officer.pk],
    }  # fmt: skip
    answer = api_for(w.commune_chairman).post("/api/v1/work/schedule/", body, format="json")
    assert answer.status_code == 400
    assert "Bí Mật" not in answer.content.decode()


def test_the_holder_never_decides_his_own_extension_nor_accepts_his_own_work(w):
    """is_assigner = assigned_by or leads(assigner_unit): a vice-chairman given a task by name by his chairman leads
    the assigning commune, so he approves his own extension and accepts his own product."""
    import datetime as dt

    from apps.core.errors import PermissionDeniedError
    from apps.org.models import Role
    from apps.work.services import tasks as services
    from apps.work.tests.factories import staff_in

    vice = staff_in(w.commune, Role.UNIT_LEADER, username="phochutich.anphu")
    task = services.assign_task(actor=w.commune_chairman, unit=w.commune, assignee=vice, title="Kiểm tra đê",
                                deadline=dt.date(2026, 1, 9))  # fmt: skip
    services.request_extension(actor=vice, task=task, proposed_deadline=dt.date(2026, 2, 27), reason="Mưa lũ")
    assert "decide_extension" not in services.allowed_steps(vice, task)
    with pytest.raises(PermissionDeniedError):
        services.decide_extension(actor=vice, task=task, approve=True)


def test_a_conclusion_notice_does_not_take_a_number_the_register_already_gave(w):
    """Decree 30/2020 (apps.documents.services.registers): one outgoing series per issuer and year, taken at
    release. The briefing's notice takes "notice:TB:<unit>:<year>", a series of its own, outside the register: the
    commune's first released Thông báo is 01/TB-UBND and its first conclusion notice is 01/TB-UBND too."""
    import datetime as dt

    from django.utils import timezone

    from apps.documents.services import registers
    from apps.org.models import Role
    from apps.work.tests.factories import staff_in
    from apps.work.tests.test_briefings_services import concluded

    clerk = staff_in(w.commune, Role.CLERICAL_OFFICER, username="vanthu.anphu")
    now = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
    document = registers.outgoing_draft(actor=clerk, unit=w.commune, doc_type="thong_bao", summary="Thông báo lịch",
                                        now=now)  # fmt: skip
    document = registers.outgoing_release(actor=clerk, document=document, now=now)
    briefing = concluded(w)
    assert briefing.notice_number != document.symbol, (briefing.notice_number, document.symbol)


def timezone_local(moment):
    from django.utils import timezone

    return timezone.localtime(moment).replace(tzinfo=None)
