"""The dashboards' cached answers: exact after every committed change, and after the clock passes a deadline."""

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from apps.dossiers.tests.factories import world
from apps.stats import selectors
from apps.stats.selectors import Period
from apps.stats.services import counts_version
from tests.helpers import at, walk_in

pytestmark = pytest.mark.django_db
YEAR = Period("year", 2026)


@pytest.fixture
def w():
    return world()


def figures(unit) -> dict:
    return selectors.dashboard(unit, YEAR)["data"]["counts"]


def test_a_committed_change_renews_its_units_version_and_those_above_only(w, django_capture_on_commit_callbacks):
    units = (w.province, w.commune, w.desk, w.other_commune)
    before = {unit: counts_version(unit) for unit in units}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dossier = walk_in(w, at("25/11/2026", "09:00"))
    assert {unit: counts_version(unit) for unit in units} == before  # nothing renewed before the commit
    for callback in callbacks:
        callback()
    after = {unit: counts_version(unit) for unit in units}
    changed = {unit for unit in units if after[unit] != before[unit]}
    filing = dossier.filing_unit
    assert filing in (w.commune, w.desk) and w.province in changed and filing in changed
    assert w.other_commune not in changed


def test_one_renewal_per_transaction_whatever_the_number_of_changes(w, django_capture_on_commit_callbacks):
    from apps.stats.services import _PendingVersions

    with django_capture_on_commit_callbacks() as callbacks:
        walk_in(w, at("25/11/2026", "09:00"))
        walk_in(w, at("25/11/2026", "10:00"))
    renewals = [c for c in callbacks if isinstance(getattr(c, "__self__", None), _PendingVersions)]
    assert len(renewals) == 1


def test_a_cached_answer_costs_one_query_and_follows_every_committed_change(
    w, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with time_machine.travel(at("25/11/2026", "08:00"), tick=False):
        assert figures(w.province)["received"] == 0
        with django_assert_num_queries(1):  # the version; the figures come from the cache
            assert figures(w.province)["received"] == 0
        with django_capture_on_commit_callbacks(execute=True):
            walk_in(w, at("25/11/2026", "08:00"))
        assert figures(w.province)["received"] == 1
        assert figures(w.commune)["received"] == 1


def test_a_change_elsewhere_keeps_another_communes_answer(
    w, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with time_machine.travel(at("25/11/2026", "08:00"), tick=False):
        figures(w.other_commune)
        with django_capture_on_commit_callbacks(execute=True):
            walk_in(w, at("25/11/2026", "08:00"))
        with django_assert_num_queries(1):
            assert figures(w.other_commune)["received"] == 0


def test_late_now_changes_when_the_clock_passes_a_deadline_without_any_write(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = walk_in(w, at("25/11/2026", "09:00"))
    assert dossier.due_at == at("30/11/2026", "17:00")  # 3 working days after the day of receipt (DOMAIN.md)
    with time_machine.travel(at("30/11/2026", "16:59"), tick=False):  # cached within its safety TTL
        assert figures(w.province)["late_now"] == 0
    with time_machine.travel(at("30/11/2026", "17:01"), tick=False):
        assert figures(w.province)["late_now"] == 1


def test_rebuilding_the_counts_renews_every_version(w):
    before = counts_version(w.other_commune)
    call_command("rebuild_stats", verbosity=0)
    assert counts_version(w.other_commune) != before


def test_the_public_page_shows_a_change_at_once(w, django_capture_on_commit_callbacks):
    client = Client()
    url = f"/chat-luong-phuc-vu/?don-vi={w.commune.pk}&ky=year&nam=2026"
    with time_machine.travel(at("25/11/2026", "08:00"), tick=False):
        first = client.get(url).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            walk_in(w, at("25/11/2026", "08:00"))
        second = client.get(url).content.decode()
    assert first != second
