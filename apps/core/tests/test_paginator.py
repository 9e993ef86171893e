import datetime as dt

import time_machine

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
