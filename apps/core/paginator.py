"""A paginator for busy public lists: the total behind "page n of N" is counted at most once per short interval."""

import hashlib
import time

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property


class RecountedPaginator(Paginator):
    """Counting a large list (100,000 published answers) costs more than showing one page of it. The rows shown
    are always read fresh; only the total, which sets the number of pages, may be up to `seconds` old."""

    def __init__(self, object_list, per_page, *, count_key: str, seconds: int = 30, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = "paginator-count:" + hashlib.sha256(count_key.encode()).hexdigest()[:32]
        self.seconds = seconds

    @cached_property
    def count(self) -> int:
        """Kept with the moment it was counted, judged on this server's clock (a cache's own expiry runs on the
        cache server's)."""
        now = time.time()
        entry = cache.get(self.count_key)
        if entry is not None and now - entry[0] < self.seconds:
            return entry[1]
        total = super().count
        cache.set(self.count_key, (now, total), self.seconds + 1)
        return total
