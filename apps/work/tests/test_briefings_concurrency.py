"""Two leaders pressing "giao nhiệm vụ từ kết luận" at once: each conclusion becomes one task, never two; notices
issued at once for several briefings never share a number."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.utils import timezone

from apps.core.errors import ConflictError
from apps.work.models import Briefing, Task
from apps.work.services import briefings as services
from apps.work.tests.factories import world

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL")
THREADS = 6


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def held_with_conclusions(w, title: str) -> Briefing:
    briefing = services.schedule_briefing(
        actor=w.commune_chairman, unit=w.commune, kind=Briefing.Kind.MONTHLY, title=title,
        starts_at=local(2026, 3, 10, 8), ends_at=local(2026, 3, 10, 10), location="UBND xã",
        chaired_by=w.commune_chairman, now=local(2026, 3, 2, 9),
    )  # fmt: skip
    services.record_minutes(actor=w.commune_chairman, briefing=briefing, minutes="x", now=local(2026, 3, 10, 10))
    for n in range(3):
        services.add_conclusion(actor=w.commune_chairman, briefing=briefing, text=f"Kết luận {n}",
                                owner_unit=w.culture, deadline=dt.date(2026, 3, 20))  # fmt: skip
    return briefing


def test_concurrent_presses_assign_each_conclusion_once(flushable_db):
    w = world()
    briefing = held_with_conclusions(w, "Giao ban tháng 3")
    services.issue_notice(actor=w.commune_chairman, briefing=briefing, now=local(2026, 3, 11, 9))
    actors = [w.commune_chairman, w.chairman] * (THREADS // 2)

    def press(actor):
        try:
            return len(services.conclusions_to_tasks(actor=actor, briefing=briefing, now=local(2026, 3, 11, 10)))
        except ConflictError:
            return 0
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        assigned = list(pool.map(press, actors))
    assert sorted(assigned) == [0] * (THREADS - 1) + [3]
    assert Task.objects.filter(conclusion__briefing=briefing).count() == 3


def test_concurrent_notices_never_share_a_number(flushable_db):
    w = world()
    briefings = [held_with_conclusions(w, f"Giao ban {n}") for n in range(THREADS)]

    def issue(briefing):
        try:
            return services.issue_notice(actor=w.commune_chairman, briefing=briefing, now=local(2026, 3, 11, 9))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        numbers = sorted(b.notice_number for b in pool.map(issue, briefings))
    assert numbers == [f"{n:02d}/TB-UBND" for n in range(1, THREADS + 1)]
