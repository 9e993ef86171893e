import datetime as dt

import pytest
import time_machine
from django.core.cache import cache

from apps.core.paginator import RecountedPaginator

START = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)


def test_rows_are_fresh_and_the_total_is_recounted_after_its_interval():
    rows = list(range(45))
    with time_machine.travel(START, tick=False):
        assert RecountedPaginator(rows, 20, count_key="k").num_pages == 3
    rows += list(range(45, 65))  # 20 more published meanwhile
    with time_machine.travel(START + dt.timedelta(seconds=10), tick=False):
        page = RecountedPaginator(rows, 20, count_key="k").get_page(1)
        assert page.paginator.num_pages == 3  # the total may be up to 30 s old
        assert list(page.object_list) == list(range(20))  # the rows shown are read now
    with time_machine.travel(START + dt.timedelta(seconds=31), tick=False):
        assert RecountedPaginator(rows, 20, count_key="k").num_pages == 4
        assert RecountedPaginator(rows, 20, count_key="another list").count == 65


def test_an_old_total_is_recounted_by_one_process_while_the_others_show_it():
    rows = list(range(45))
    with time_machine.travel(START, tick=False):
        assert RecountedPaginator(rows, 20, count_key="busy").count == 45
    rows += list(range(45, 65))
    recounting = RecountedPaginator(rows, 20, count_key="busy").recounting_key
    with time_machine.travel(START + dt.timedelta(seconds=31), tick=False):
        cache.add(recounting, True, 30)  # another process is recounting
        assert RecountedPaginator(rows, 20, count_key="busy").count == 45  # the old total meanwhile
        cache.delete(recounting)  # it died before writing its total
        assert RecountedPaginator(rows, 20, count_key="busy").count == 65  # this one recounts
        assert cache.get(recounting) is None  # and lets the next recount happen


def test_a_list_nobody_opened_for_an_hour_is_recounted_by_one_process_only():
    """The bench's first round after a quiet spell: twelve workers found no total and all counted (p99 0.4 s)."""
    rows = list(range(45))
    with time_machine.travel(START, tick=False):
        assert RecountedPaginator(rows, 20, count_key="quiet").count == 45
    recounting = RecountedPaginator(rows, 20, count_key="quiet").recounting_key
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        cache.add(recounting, True, 30)  # another process is recounting
        assert RecountedPaginator(_Failing(rows), 20, count_key="quiet").count == 45  # shown, not counted
        cache.delete(recounting)


class _Failing(list):
    def __len__(self):
        raise RuntimeError("statement timeout")


def test_a_recount_that_fails_lets_the_next_process_recount():
    rows = list(range(45))
    with time_machine.travel(START, tick=False):
        assert RecountedPaginator(rows, 20, count_key="failing").count == 45
    with time_machine.travel(START + dt.timedelta(seconds=31), tick=False):
        with pytest.raises(RuntimeError):
            RecountedPaginator(_Failing(rows), 20, count_key="failing").count  # noqa: B018 (the count raises)
        assert RecountedPaginator(rows + list(range(20)), 20, count_key="failing").count == 65


def test_a_process_that_counts_a_list_nobody_counted_leaves_anothers_recount_alone():
    recounting = RecountedPaginator([], 20, count_key="cold").recounting_key
    cache.add(recounting, True, 30)
    assert RecountedPaginator(list(range(3)), 20, count_key="cold").count == 3
    assert cache.get(recounting) is True
