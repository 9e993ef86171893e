"""Work programmes: every move of the state machine and each refusal, the items' rules (lead unit, person in
charge, deadline on the working-day clock), the month drawn from the quarter's and the year's, tasks from items.

Dates are 2026's, checked by hand against the Labour Code holidays: 30/04 (Thursday) and 01/05 are holidays,
02/09 is National Day; 12/03 is a Thursday, 14/03 a Saturday."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.models import AuditEvent, Notification
from apps.work.models import ProgramItem, Task, WorkProgram
from apps.work.selectors.programmes import program_detail
from apps.work.services import programmes as services
from apps.work.tests.factories import world

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 1, 5, 9, 0))


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def item_fields(w, **overrides) -> dict:
    fields = {
        "title": "Rà soát hộ nghèo, hộ cận nghèo",
        "lead_unit": w.culture,
        "person_in_charge": w.culture_officer,
        "co_handlers": [w.commune],
        "product_kind": ProgramItem.Product.REPORT,
        "product": "Báo cáo kết quả rà soát",
        "deadline": dt.date(2026, 3, 12),
    }
    return {**fields, **overrides}


def draft(w, kind="year", number=1, unit=None, actor=None) -> WorkProgram:
    return services.create_program(
        actor=actor or w.culture_officer, unit=unit or w.commune, kind=kind, year=2026, number=number, now=NOW
    )


def approved(w, program: WorkProgram) -> WorkProgram:
    services.submit_program(actor=w.culture_officer, program=program, now=NOW)
    return services.approve_program(actor=w.commune_chairman, program=program, now=NOW)


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


# ---- programmes ---------------------------------------------------------------------------------------------------


def test_a_member_creates_one_programme_per_unit_and_period():
    w = world()
    program = draft(w, kind="quarter", number=1)
    assert program.status == WorkProgram.Status.DRAFT
    assert program.title == "Chương trình công tác quý I năm 2026"
    assert program.created_by == w.culture_officer
    with pytest.raises(ConflictError) as error:
        draft(w, kind="quarter", number=1, actor=w.commune_chairman)
    assert "đã có chương trình công tác quý I năm 2026" in error.value.message
    # Another period or another unit is another programme.
    assert draft(w, kind="quarter", number=2).number == 2
    assert draft(w, kind="month", number=3, unit=w.culture).unit == w.culture
    assert actions().count("work.program.created") == 3


def test_only_the_units_people_and_leaders_over_it_create_its_programme():
    w = world()
    with pytest.raises(PermissionDeniedError):
        draft(w, actor=w.other_officer)  # another commune
    with pytest.raises(PermissionDeniedError):
        draft(w, actor=w.justice_officer)  # a province department is not above the commune
    assert draft(w, actor=w.chairman).unit == w.commune  # the province's chairman leads every unit under it


def test_a_period_out_of_range_is_refused():
    w = world()
    with pytest.raises(DomainError):
        draft(w, kind="quarter", number=5)
    with pytest.raises(DomainError):
        draft(w, kind="month", number=13)
    with pytest.raises(DomainError):
        draft(w, kind="week")


def test_submit_approve_and_return_follow_the_state_machine():
    w = world()
    program = draft(w)
    with pytest.raises(DomainError):  # nothing to submit
        services.submit_program(actor=w.culture_officer, program=program)
    services.add_item(actor=w.culture_officer, program=program, **item_fields(w))
    with pytest.raises(ConflictError):  # not submitted yet
        services.approve_program(actor=w.commune_chairman, program=program)
    program = services.submit_program(actor=w.culture_officer, program=program, now=local(2026, 1, 6, 8, 0))
    assert program.status == "submitted" and program.submitted_at == local(2026, 1, 6, 8, 0)
    with pytest.raises(ConflictError):  # twice
        services.submit_program(actor=w.culture_officer, program=program)
    with pytest.raises(DomainError):  # a return needs a note
        services.return_program(actor=w.commune_chairman, program=program, note="  ")
    program = services.return_program(actor=w.commune_chairman, program=program, note="Bổ sung sản phẩm")
    assert program.status == "draft" and program.note == "Bổ sung sản phẩm"
    services.submit_program(actor=w.culture_officer, program=program)
    program = services.approve_program(actor=w.commune_chairman, program=program, now=local(2026, 1, 7, 9, 0))
    assert program.status == "approved" and program.approved_by == w.commune_chairman
    assert program.approved_at == local(2026, 1, 7, 9, 0)
    # An approved programme goes back to draft only through a return by the head, and loses its approval.
    program = services.return_program(actor=w.commune_chairman, program=program, note="Điều chỉnh giữa năm")
    assert program.status == "draft" and program.approved_by is None and program.approved_at is None
    assert [a for a in actions() if a.startswith("work.program.")] == [
        "work.program.created", "work.program.submitted", "work.program.returned", "work.program.submitted",
        "work.program.approved", "work.program.returned",
    ]  # fmt: skip


def test_the_head_is_told_of_a_submission_and_the_drafter_of_the_decision():
    w = world()
    w.commune_chairman.email, w.culture_officer.email = "chutich@anphu.gov.vn", "chuyenvien@anphu.gov.vn"
    w.commune_chairman.save(), w.culture_officer.save()
    program = draft(w)
    services.add_item(actor=w.culture_officer, program=program, **item_fields(w))
    services.submit_program(actor=w.culture_officer, program=program)
    services.return_program(actor=w.commune_chairman, program=program, note="Bổ sung thời hạn")
    services.submit_program(actor=w.culture_officer, program=program)
    services.approve_program(actor=w.commune_chairman, program=program)
    sent = list(Notification.objects.order_by("pk").values_list("recipient", "subject", "body"))
    title = "Chương trình công tác năm 2026 của Ủy ban nhân dân xã An Phú"
    assert sent == [
        ("chutich@anphu.gov.vn", "Chương trình công tác chờ phê duyệt", f"{title} đã được trình, chờ phê duyệt."),
        ("chuyenvien@anphu.gov.vn", "Chương trình công tác được trả lại để sửa",
         f"{title} được trả lại để sửa: Bổ sung thời hạn"),
        ("chutich@anphu.gov.vn", "Chương trình công tác chờ phê duyệt", f"{title} đã được trình, chờ phê duyệt."),
        ("chuyenvien@anphu.gov.vn", "Chương trình công tác đã được phê duyệt", f"{title} đã được phê duyệt."),
    ]  # fmt: skip


def test_only_the_head_or_a_leader_over_the_unit_approves_or_returns():
    w = world()
    program = draft(w)
    services.add_item(actor=w.culture_officer, program=program, **item_fields(w))
    services.submit_program(actor=w.culture_officer, program=program)
    for stranger in (w.culture_officer, w.culture_head, w.other_chairman, w.justice_head):
        with pytest.raises(PermissionDeniedError):
            services.approve_program(actor=stranger, program=program)
        with pytest.raises(PermissionDeniedError):
            services.return_program(actor=stranger, program=program, note="Không")
    assert services.approve_program(actor=w.chairman, program=program).approved_by == w.chairman
    with pytest.raises(PermissionDeniedError):  # someone from another commune may not submit either
        services.submit_program(actor=w.other_officer, program=program)


# ---- items --------------------------------------------------------------------------------------------------------


def test_an_item_is_due_at_the_end_of_office_hours_of_its_deadline():
    w = world()
    program = draft(w)
    item = services.add_item(actor=w.culture_officer, program=program, **item_fields(w))
    assert item.order == 1 and item.deadline == dt.date(2026, 3, 12)
    assert item.due_at == local(2026, 3, 12, 17, 0)
    assert list(item.co_handlers.all()) == [w.commune]
    second = services.add_item(actor=w.culture_officer, program=program, **item_fields(w, title="Việc thứ hai"))
    assert second.order == 2


@pytest.mark.parametrize("holiday", [dt.date(2026, 4, 30), dt.date(2026, 9, 2), dt.date(2026, 3, 14)])
def test_a_deadline_on_a_holiday_or_a_weekend_is_refused(holiday):
    w = world()
    program = draft(w)
    with pytest.raises(DomainError) as error:
        services.add_item(actor=w.culture_officer, program=program, **item_fields(w, deadline=holiday))
    assert error.value.field == "deadline" and "không phải ngày làm việc" in error.value.message
    assert not program.items.exists()


def test_a_deadline_before_the_period_is_refused_and_after_it_allowed():
    w = world()
    program = draft(w, kind="month", number=3)
    with pytest.raises(DomainError) as error:
        services.add_item(actor=w.culture_officer, program=program, **item_fields(w, deadline=dt.date(2026, 2, 27)))
    assert "01/03/2026" in error.value.message
    later = services.add_item(actor=w.culture_officer, program=program, **item_fields(w, deadline=dt.date(2026, 4, 2)))
    assert later.due_at == local(2026, 4, 2, 17, 0)
    # A year after the period's end (31/03/2027) at the latest.
    with pytest.raises(DomainError) as error:
        services.add_item(actor=w.culture_officer, program=program, **item_fields(w, deadline=dt.date(2027, 4, 1)))
    assert "31/03/2027" in error.value.message


def test_the_lead_unit_is_the_unit_or_under_it_and_the_person_works_there():
    w = world()
    program = draft(w)
    with pytest.raises(DomainError) as error:
        services.add_item(actor=w.culture_officer, program=program, **item_fields(w, lead_unit=w.other_commune,
                                                                                   person_in_charge=None))  # fmt: skip
    assert error.value.field == "lead_unit"
    with pytest.raises(DomainError) as error:
        services.add_item(actor=w.culture_officer, program=program, **item_fields(w, person_in_charge=w.other_officer))
    assert error.value.field == "person_in_charge"
    with pytest.raises(DomainError) as error:  # the lead unit cannot also co-handle
        services.add_item(actor=w.culture_officer, program=program, **item_fields(w, co_handlers=[w.culture]))
    assert error.value.field == "co_handlers"
    with pytest.raises(DomainError):
        services.add_item(actor=w.culture_officer, program=program, **item_fields(w, title=" "))
    with pytest.raises(DomainError):
        services.add_item(actor=w.culture_officer, program=program, **item_fields(w, product_kind="poem"))
    # The committee leads, the chairman in charge: a member of the commune (the unit itself).
    item = services.add_item(actor=w.culture_officer, program=program,
                             **item_fields(w, lead_unit=w.commune, person_in_charge=w.commune_chairman,
                                           co_handlers=[w.culture, w.justice]))  # fmt: skip
    assert {u.pk for u in item.co_handlers.all()} == {w.culture.pk, w.justice.pk}


def test_edit_remove_and_reorder_in_a_draft_only():
    w = world()
    program = draft(w)
    first = services.add_item(actor=w.culture_officer, program=program, **item_fields(w, title="Một"))
    second = services.add_item(actor=w.culture_officer, program=program, **item_fields(w, title="Hai"))
    third = services.add_item(actor=w.culture_officer, program=program, **item_fields(w, title="Ba"))
    changed = item_fields(w, title="Một (sửa)", deadline=dt.date(2026, 6, 30), co_handlers=[])
    edited = services.edit_item(actor=w.culture_head, item=first, **changed)
    assert edited.title == "Một (sửa)" and edited.due_at == local(2026, 6, 30, 17, 0)
    assert not edited.co_handlers.exists()
    services.reorder_items(actor=w.culture_officer, program=program, item_ids=[third.pk, first.pk, second.pk])
    assert list(program.items.order_by("order").values_list("title", "order")) == [
        ("Ba", 1), ("Một (sửa)", 2), ("Hai", 3)
    ]  # fmt: skip
    with pytest.raises(DomainError):  # not every item
        services.reorder_items(actor=w.culture_officer, program=program, item_ids=[third.pk, first.pk])
    services.move_item(actor=w.culture_officer, item=second, step=-1)
    assert list(program.items.order_by("order").values_list("title", flat=True)) == ["Ba", "Hai", "Một (sửa)"]
    services.remove_item(actor=w.culture_officer, item=third)
    assert list(program.items.values_list("title", flat=True)) == ["Hai", "Một (sửa)"]
    with pytest.raises(PermissionDeniedError):
        services.remove_item(actor=w.other_officer, item=second)
    with pytest.raises(PermissionDeniedError):
        services.edit_item(actor=w.other_chairman, item=second, **item_fields(w))

    approved(w, program)
    with pytest.raises(ConflictError):
        services.add_item(actor=w.culture_officer, program=program, **item_fields(w))
    with pytest.raises(ConflictError):
        services.edit_item(actor=w.culture_officer, item=second, **item_fields(w))
    with pytest.raises(ConflictError):
        services.remove_item(actor=w.culture_officer, item=second)
    with pytest.raises(ConflictError):
        services.reorder_items(actor=w.culture_officer, program=program, item_ids=[first.pk, second.pk])
    assert {"work.program_item.added", "work.program_item.edited", "work.program_item.removed",
            "work.program_item.reordered"} <= set(actions())  # fmt: skip


def test_a_submitted_programme_is_not_edited_either():
    w = world()
    program = draft(w)
    item = services.add_item(actor=w.culture_officer, program=program, **item_fields(w))
    services.submit_program(actor=w.culture_officer, program=program)
    with pytest.raises(ConflictError):
        services.edit_item(actor=w.commune_chairman, item=item, **item_fields(w, title="Sửa"))


def test_item_status_changes_only_on_an_approved_programme():
    w = world()
    program = draft(w)
    item = services.add_item(actor=w.culture_officer, program=program, **item_fields(w))
    with pytest.raises(ConflictError):
        services.set_item_status(actor=w.culture_officer, item=item, status="in_progress")
    approved(w, program)
    item = services.set_item_status(actor=w.culture_officer, item=item, status="in_progress")
    assert item.status == "in_progress" and item.done_at is None
    item = services.set_item_status(actor=w.culture_officer, item=item, status="done", note="Đã ban hành báo cáo",
                                    now=local(2026, 3, 11, 15, 0))  # fmt: skip
    assert item.status == "done" and item.done_at == local(2026, 3, 11, 15, 0) and item.note == "Đã ban hành báo cáo"
    item = services.set_item_status(actor=w.commune_chairman, item=item, status="postponed")
    assert item.done_at is None
    services.set_item_status(actor=w.culture_officer, item=item, status="cancelled")
    with pytest.raises(DomainError):
        services.set_item_status(actor=w.culture_officer, item=item, status="forgotten")
    with pytest.raises(PermissionDeniedError):
        services.set_item_status(actor=w.other_officer, item=item, status="done")
    assert actions().count("work.program_item.status") == 4


# ---- the month drawn from the quarter's and the year's -------------------------------------------------------------


def test_the_month_takes_exactly_the_open_items_of_the_year_and_quarter_due_in_it():
    w = world()
    year, quarter = draft(w), draft(w, kind="quarter", number=1)

    def add(program, title, day):
        return services.add_item(actor=w.culture_officer, program=program,
                                 **item_fields(w, title=title, deadline=day))  # fmt: skip

    january = add(year, "Năm: tháng 1", dt.date(2026, 1, 15))
    march_planned = add(year, "Năm: 10/3", dt.date(2026, 3, 10))
    march_done = add(year, "Năm: 20/3 đã xong", dt.date(2026, 3, 20))
    march_cancelled = add(year, "Năm: 25/3 không thực hiện", dt.date(2026, 3, 25))
    march_going = add(year, "Năm: 31/3 đang làm", dt.date(2026, 3, 31))
    april = add(year, "Năm: 1/4", dt.date(2026, 4, 1))
    march_postponed = add(year, "Năm: 2/3 lùi hạn", dt.date(2026, 3, 2))
    quarter_march = add(quarter, "Quý: 16/3", dt.date(2026, 3, 16))
    quarter_february = add(quarter, "Quý: 27/2", dt.date(2026, 2, 27))
    approved(w, year), approved(w, quarter)
    for item, status in ((march_done, "done"), (march_cancelled, "cancelled"), (march_going, "in_progress"),
                         (march_postponed, "postponed")):  # fmt: skip
        services.set_item_status(actor=w.culture_officer, item=item, status=status)
    # Another commune's approved year with an item due in March stays its own.
    theirs = draft(w, unit=w.other_commune, actor=w.other_officer)
    services.add_item(actor=w.other_officer, program=theirs,
                      **item_fields(w, lead_unit=w.other_commune, person_in_charge=w.other_officer, co_handlers=[],
                                    deadline=dt.date(2026, 3, 10)))  # fmt: skip
    services.submit_program(actor=w.other_officer, program=theirs)
    services.approve_program(actor=w.other_chairman, program=theirs)
    # A draft quarter programme of the culture division is not approved: nothing from it.
    culture_quarter = draft(w, kind="quarter", number=1, unit=w.culture)
    services.add_item(actor=w.culture_officer, program=culture_quarter, **item_fields(w, deadline=dt.date(2026, 3, 9)))

    month, added = services.draw_month(actor=w.culture_officer, unit=w.commune, year=2026, month=3, now=NOW)

    assert (month.kind, month.number, month.status, added) == ("month", 3, "draft", 4)
    assert month.title == "Chương trình công tác tháng 3 năm 2026"
    drawn = list(month.items.order_by("order"))
    # In deadline order: 02/03, 10/03, 16/03, 31/03.
    assert [i.source_item_id for i in drawn] == [march_postponed.pk, march_planned.pk, quarter_march.pk,
                                                  march_going.pk]  # fmt: skip
    assert [i.order for i in drawn] == [1, 2, 3, 4]
    assert [i.status for i in drawn] == ["planned", "planned", "planned", "in_progress"]
    copy = drawn[1]
    assert (copy.title, copy.lead_unit, copy.person_in_charge, copy.deadline, copy.due_at) == (
        "Năm: 10/3", w.culture, w.culture_officer, dt.date(2026, 3, 10), local(2026, 3, 10, 17, 0)
    )  # fmt: skip
    assert list(copy.co_handlers.all()) == [w.commune]
    assert january.drawn_items.count() == april.drawn_items.count() == quarter_february.drawn_items.count() == 0

    # Never twice: a second draw adds nothing.
    again, added_again = services.draw_month(actor=w.culture_officer, unit=w.commune, year=2026, month=3)
    assert again.pk == month.pk and added_again == 0 and month.items.count() == 4
    assert actions().count("work.program.drawn") == 2


def test_the_month_is_drawn_only_into_a_draft_and_by_the_units_people():
    w = world()
    year = draft(w)
    services.add_item(actor=w.culture_officer, program=year, **item_fields(w, deadline=dt.date(2026, 3, 10)))
    approved(w, year)
    with pytest.raises(PermissionDeniedError):
        services.draw_month(actor=w.other_officer, unit=w.commune, year=2026, month=3)
    month = draft(w, kind="month", number=3)
    services.add_item(actor=w.culture_officer, program=month, **item_fields(w, title="Việc riêng của tháng"))
    approved(w, month)
    with pytest.raises(ConflictError):
        services.draw_month(actor=w.culture_officer, unit=w.commune, year=2026, month=3)
    services.return_program(actor=w.commune_chairman, program=month, note="Lấy thêm từ chương trình năm")
    month, added = services.draw_month(actor=w.culture_officer, unit=w.commune, year=2026, month=3)
    assert added == 1 and list(month.items.order_by("order").values_list("order", flat=True)) == [1, 2]


# ---- a task from an item ----------------------------------------------------------------------------------------


def test_a_leader_makes_a_task_from_an_approved_item_once():
    w = world()
    program = draft(w)
    item = services.add_item(actor=w.culture_officer, program=program, **item_fields(w))
    with pytest.raises(ConflictError):  # not approved yet
        services.make_task(actor=w.commune_chairman, item=item, now=NOW)
    approved(w, program)
    with pytest.raises(PermissionDeniedError):  # an officer does not assign tasks
        services.make_task(actor=w.culture_officer, item=item, now=NOW)
    with pytest.raises(PermissionDeniedError):
        services.make_task(actor=w.other_chairman, item=item, now=NOW)
    task = services.make_task(actor=w.commune_chairman, item=item, now=NOW)
    assert (task.source, task.program_item, task.unit, task.assignee) == (
        Task.Source.PROGRAM, item, w.culture, w.culture_officer
    )  # fmt: skip
    assert task.title == item.title and task.deadline == dt.date(2026, 3, 12)
    assert task.due_at == local(2026, 3, 12, 17, 0) and task.assigned_by == w.commune_chairman
    with pytest.raises(ConflictError):
        services.make_task(actor=w.commune_chairman, item=item, now=NOW)
    assert "work.task.assigned" in actions()


def test_no_task_from_a_done_or_cancelled_item():
    w = world()
    program = draft(w)
    item = services.add_item(actor=w.culture_officer, program=program, **item_fields(w))
    approved(w, program)
    services.set_item_status(actor=w.culture_officer, item=item, status="done")
    with pytest.raises(ConflictError):
        services.make_task(actor=w.commune_chairman, item=item, now=NOW)


def test_done_in_the_month_is_done_in_the_year_and_the_same_work_is_tasked_once():
    w = world()
    year = draft(w)
    source = services.add_item(actor=w.culture_officer, program=year, **item_fields(w, deadline=dt.date(2026, 3, 10)))
    other = services.add_item(actor=w.culture_officer, program=year, **item_fields(w, deadline=dt.date(2026, 3, 11)))
    approved(w, year)
    month, _added = services.draw_month(actor=w.culture_officer, unit=w.commune, year=2026, month=3, now=NOW)
    approved(w, month)
    drawn, drawn_other = month.items.order_by("order")
    assert (drawn.source_item, drawn_other.source_item) == (source, other)

    services.make_task(actor=w.commune_chairman, item=source, now=NOW)
    with pytest.raises(ConflictError):  # its copy in the month is the same work
        services.make_task(actor=w.commune_chairman, item=drawn, now=NOW)
    services.make_task(actor=w.commune_chairman, item=drawn_other, now=NOW)
    with pytest.raises(ConflictError):  # nor back from the year
        services.make_task(actor=w.commune_chairman, item=other, now=NOW)

    shown = program_detail(w.commune_chairman, month.pk)
    assert [i.has_task for i in shown.items.all()] == [True, True]
    services.set_item_status(actor=w.culture_officer, item=drawn_other, status="postponed")
    assert ProgramItem.objects.get(pk=other.pk).status == "planned"  # the month's own
    services.set_item_status(actor=w.culture_officer, item=drawn, status="done", now=local(2026, 3, 9, 16, 0))
    source.refresh_from_db()
    assert (source.status, source.done_at) == ("done", local(2026, 3, 9, 16, 0))
