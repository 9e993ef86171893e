"""Reads of briefings: who sees which briefing (the unit tree, the chair, an invited person or unit; never another
commune), and one briefing with participants and conclusions in a fixed number of queries."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.org.tests.factories import UnitFactory
from apps.work.models import Briefing
from apps.work.selectors import briefings as selectors
from apps.work.services import briefings as services
from apps.work.tests.factories import staff_in, world

pytestmark = pytest.mark.django_db


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def province_briefing(w, *, users=(), units=()) -> Briefing:
    return services.schedule_briefing(
        actor=w.chairman, unit=w.province, kind=Briefing.Kind.QUARTERLY, title="Giao ban quý với các xã",
        starts_at=local(2026, 3, 10, 8), ends_at=local(2026, 3, 10, 11), location="UBND tỉnh", chaired_by=w.chairman,
        participant_users=users, participant_units=units, now=local(2026, 3, 2, 9),
    )  # fmt: skip


def commune_briefing(w) -> Briefing:
    return services.schedule_briefing(
        actor=w.commune_chairman, unit=w.commune, kind=Briefing.Kind.MONTHLY, title="Giao ban tháng xã An Phú",
        starts_at=local(2026, 3, 11, 8), ends_at=local(2026, 3, 11, 10), location="UBND xã",
        chaired_by=w.commune_chairman, now=local(2026, 3, 2, 9),
    )  # fmt: skip


def test_who_sees_which_briefing():
    w = world()
    invited = province_briefing(w, users=[w.commune_chairman], units=[w.other_commune])
    own = commune_briefing(w)
    people = (w.chairman, w.commune_chairman, w.culture_officer, w.other_chairman, w.other_officer, w.justice_officer)
    seen = {user: set(selectors.briefings_for(user).values_list("pk", flat=True)) for user in people}
    assert seen[w.chairman] == {invited.pk, own.pk}  # the province sees its communes
    assert seen[w.commune_chairman] == {invited.pk, own.pk}  # invited by name to the province's briefing
    assert seen[w.culture_officer] == set()  # a division sees neither its commune's nor the province's
    assert seen[w.other_chairman] == {invited.pk} and seen[w.other_officer] == {invited.pk}  # invited as a unit
    assert seen[w.justice_officer] == set()
    assert selectors.briefing_for(w.other_chairman, own.pk) is None


def test_one_briefing_reads_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    w = world()
    extra_units = [UnitFactory(name=f"Phòng {n}", parent=w.commune) for n in range(6)]
    people = [staff_in(unit, "handling_officer") for unit in extra_units]
    briefing = services.schedule_briefing(
        actor=w.commune_chairman, unit=w.commune, kind=Briefing.Kind.QUARTERLY, title="Giao ban quý",
        starts_at=local(2026, 3, 10, 8), ends_at=local(2026, 3, 10, 11), location="UBND xã",
        chaired_by=w.commune_chairman, participant_users=people, participant_units=extra_units,
        now=local(2026, 3, 2, 9),
    )  # fmt: skip
    services.record_minutes(actor=w.commune_chairman, briefing=briefing, minutes="x", now=local(2026, 3, 10, 12))
    for n, (unit, person) in enumerate(zip(extra_units, people, strict=True)):
        services.add_conclusion(actor=w.commune_chairman, briefing=briefing, text=f"Kết luận {n}", owner_unit=unit,
                                owner_user=person, deadline=dt.date(2026, 3, 20))  # fmt: skip
    user = w.commune_chairman
    with django_assert_max_num_queries(8):
        found = selectors.briefing_for(user, briefing.pk)
        names = [str(p.user or p.unit) for p in found.participants.all()]
        owners = [(c.owner_unit.name, c.owner_user.full_name, hasattr(c, "task")) for c in found.conclusions.all()]
        assert found.schedule_entry.title and found.unit.name and found.chaired_by.full_name
    assert len(names) == 12 and len(owners) == 6
    with django_assert_max_num_queries(5):
        rows = [(b.unit.name, b.chaired_by.full_name) for b in selectors.briefings_for(user)]
    assert len(rows) == 1
