"""Reads on tasks: scope (a commune never sees another's tasks), my tasks, tasks I assigned, one task with its
timeline in constant queries, and the leader's follow-up counted by hand for a known week.

The week by hand: "now" is Wednesday 06/05/2026 10:00; the week runs Monday 04/05 00:00 – Sunday 10/05 24:00; the
next working day ends Thursday 07/05 17:00 (due soon until then)."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.org.models import User
from apps.work.selectors import tasks as selectors
from apps.work.services import tasks as services
from apps.work.tests.factories import world

pytestmark = pytest.mark.django_db


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


NOW = local(2026, 5, 6, 10)


class Scene:
    def __init__(self):
        w = self.w = world()
        given = local(2026, 4, 28, 9)

        def give(unit, assignee, day, actor=w.chairman, title="Nhiệm vụ"):
            return services.assign_task(actor=actor, unit=unit, assignee=assignee, title=title, deadline=day,
                                        now=given)  # fmt: skip

        self.a = give(w.culture, w.culture_officer, dt.date(2026, 5, 8), title="A")  # open, this week
        self.b = give(w.culture, w.culture_officer, dt.date(2026, 5, 7), title="B")  # open, this week, due soon
        self.c = give(w.culture, None, dt.date(2026, 5, 5), title="C")  # open, late, this week, the unit's
        self.d = give(w.justice, w.justice_officer, dt.date(2026, 5, 12), title="D")  # open, next week
        self.e = give(w.culture, w.culture_officer, dt.date(2026, 4, 29), title="E")
        services.complete(actor=w.culture_officer, task=self.e, product="Xong", now=local(2026, 5, 4, 9))  # late
        self.f = give(w.other_commune, w.other_officer, dt.date(2026, 5, 4), title="F")  # open, late
        self.g = give(w.other_commune, None, dt.date(2026, 5, 11), actor=w.other_chairman, title="G")  # next week


@pytest.fixture
def s():
    return Scene()


def titles(tasks) -> set[str]:
    return {task.title for task in tasks}


def test_a_commune_sees_only_its_own_tasks(s):
    w = s.w
    assert titles(selectors.visible_tasks(w.other_officer)) == {"F", "G"}
    assert titles(selectors.visible_tasks(w.culture_officer)) == {"A", "B", "C", "E"}
    assert titles(selectors.visible_tasks(w.commune_chairman)) == {"A", "B", "C", "E"}
    assert titles(selectors.visible_tasks(w.chairman)) == {"A", "B", "C", "D", "E", "F", "G"}
    assert selectors.task_for(w.other_chairman, s.a.pk) is None
    assert selectors.task_for(w.culture_officer, s.f.pk) is None
    assert selectors.task_for(w.culture_officer, s.a.pk) == s.a


def test_my_tasks_are_mine_by_name_or_my_headed_unit_without_a_person(s):
    w = s.w
    assert titles(selectors.my_tasks(w.culture_officer)) == {"A", "B"}
    assert titles(selectors.my_tasks(w.culture_officer, open_only=False)) == {"A", "B", "E"}
    assert titles(selectors.my_tasks(w.culture_head)) == {"C"}
    assert titles(selectors.my_tasks(w.other_chairman)) == {"G"}
    assert titles(selectors.tasks_assigned_by(w.other_chairman)) == {"G"}
    assert len(selectors.tasks_assigned_by(w.chairman)) == 6


def test_one_task_reads_in_constant_queries_whatever_its_timeline(s, django_assert_max_num_queries):
    w = s.w
    for percent in range(10, 60, 10):
        services.report_progress(actor=w.culture_officer, task=s.a, note=f"{percent}%", percent=percent)

    def read():
        task = selectors.task_for(w.culture_officer, s.a.pk)
        return [list(selectors.timeline(task)), list(selectors.task_files(task)), list(selectors.extensions(task))]

    with django_assert_max_num_queries(6):
        events, _files, _extensions = read()
        [(e.actor.username if e.actor else "", e.file) for e in events]
    assert len(events) == 6


def counts_of(view, unit, person=None) -> dict[str, int]:
    unit_row = next(u for u in view.units if u.unit_id == unit.pk)
    if person is False:
        return unit_row.counts
    return next(row.counts for row in unit_row.people if row.person_id == (person.pk if person else None))


def test_the_follow_up_counts_by_unit_and_person(s):
    w = s.w
    view = selectors.follow_up(w.chairman, year=2026, now=NOW)
    assert (view.week_start, view.week_end) == (dt.date(2026, 5, 4), dt.date(2026, 5, 10))
    officer = counts_of(view, w.culture, w.culture_officer)
    assert officer == {"open": 2, "due_week": 2, "due_soon": 1, "late": 0, "finished_late": 1}  # A, B; E
    assert counts_of(view, w.culture, None) == {"open": 1, "due_week": 1, "due_soon": 0, "late": 1, "finished_late": 0}
    assert counts_of(view, w.culture, False) == {"open": 3, "due_week": 3, "due_soon": 1, "late": 1, "finished_late": 1}
    assert counts_of(view, w.justice, False)["open"] == 1 and counts_of(view, w.justice, False)["due_week"] == 0
    assert counts_of(view, w.other_commune, False) == {"open": 2, "due_week": 1, "due_soon": 0, "late": 1,
                                                       "finished_late": 0}  # fmt: skip
    assert view.totals == {"open": 6, "due_week": 4, "due_soon": 1, "late": 2, "finished_late": 1}
    # Finished late in another year is not counted for 2026.
    assert selectors.follow_up(w.chairman, year=2025, now=NOW).totals["finished_late"] == 0


def test_the_follow_up_covers_only_the_units_the_leader_leads(s):
    w = s.w
    commune = selectors.follow_up(w.commune_chairman, year=2026, now=NOW)
    assert {u.unit_id for u in commune.units} == {w.culture.pk}
    assert selectors.follow_up(w.other_chairman, year=2026, now=NOW).totals["open"] == 2
    assert selectors.follow_up(w.culture_officer, year=2026, now=NOW).units == []  # not a leader
    assert not selectors.follow_up_tasks(w.commune_chairman, "late", year=2026, now=NOW).filter(pk=s.f.pk).exists()


def test_the_lists_behind_the_counts(s):
    w = s.w
    listed = lambda kind, **kw: [t.title for t in selectors.follow_up_tasks(w.chairman, kind, year=2026, now=NOW, **kw)]  # noqa: E731
    assert listed("late") == ["F", "C"]  # by due moment: 04/05 then 05/05
    assert listed("due_week", unit_id=w.culture.pk, person=w.culture_officer.pk) == ["B", "A"]
    assert listed("late", unit_id=w.culture.pk, person="none") == ["C"]
    assert listed("finished_late") == ["E"]
    assert listed("due_soon") == ["B"]
    assert listed("open", unit_id=w.justice.pk) == ["D"]


def test_the_follow_up_is_one_aggregate_query_whatever_the_rows(s, django_assert_max_num_queries):
    w = s.w
    for index in range(40):
        services.assign_task(actor=w.chairman, unit=w.culture if index % 2 else w.justice, title=f"Thêm {index}",
                             deadline=dt.date(2026, 5, 8), now=local(2026, 4, 28, 9))  # fmt: skip
    chairman = User.objects.get(pk=w.chairman.pk)  # no memoised roles and paths: count them too
    # roles, led paths, the GROUP BY of the open tasks, that of the tasks finished late, unit names, people names
    with django_assert_max_num_queries(6):
        view = selectors.follow_up(chairman, year=2026, now=NOW)
    assert view.totals["open"] == 46


def test_a_holder_with_only_tasks_finished_late_has_its_row(s):
    """The open tasks and those finished late are counted apart (each by its index) and merged by holder: a holder
    found only among the late ones gets a row of zeros but that count."""
    w = s.w
    task = services.assign_task(actor=w.chairman, unit=w.justice, title="H", deadline=dt.date(2026, 4, 29),
                                now=local(2026, 4, 28, 9))  # fmt: skip
    services.complete(actor=w.justice_head, task=task, product="Xong", now=local(2026, 5, 4, 9))
    view = selectors.follow_up(w.chairman, year=2026, now=NOW)
    assert counts_of(view, w.justice, None) == {"open": 0, "due_week": 0, "due_soon": 0, "late": 0, "finished_late": 1}
    assert counts_of(view, w.justice, w.justice_officer) == {"open": 1, "due_week": 0, "due_soon": 0, "late": 0,
                                                              "finished_late": 0}  # fmt: skip
    assert counts_of(view, w.justice, False)["finished_late"] == 1 and view.totals["finished_late"] == 2
    assert [row.person_id for row in next(u for u in view.units if u.unit_id == w.justice.pk).people] == [
        None,
        w.justice_officer.pk,
    ]  # the unit's own row first, as for the open ones


def test_due_soon_reaches_over_the_holidays_to_the_next_working_day(s):
    w = s.w
    # Wednesday 29/04 10:00: 30/04 – 03/05 are off, so the next working day is Monday 04/05.
    eve = local(2026, 4, 29, 10)
    given = local(2026, 4, 28, 9)
    services.assign_task(actor=w.chairman, unit=w.justice, title="Hạn thứ Hai", deadline=dt.date(2026, 5, 4), now=given)
    services.assign_task(actor=w.chairman, unit=w.justice, title="Hạn thứ Ba", deadline=dt.date(2026, 5, 5), now=given)
    soon = selectors.follow_up_tasks(w.chairman, "due_soon", year=2026, now=eve, unit_id=w.justice.pk)
    assert [task.title for task in soon] == ["Hạn thứ Hai"]
