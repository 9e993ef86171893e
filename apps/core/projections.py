"""Read models kept exact by the services that change the records, explicitly.

A domain service declares what it changes: `@projected("dossier", "dossier")` on a service that changes the dossier
passed as `dossier=` (or returns a new one). Inside the service's transaction the read model learns, before the
change, which rows the record counted in, and after it, which rows it counts in now, and recounts both. The read
model's app (apps.stats) registers itself at start-up; the domain apps never import it (the layers stay
portal/stats → domain apps → core), and nothing happens behind a model's `save()`: a bulk write or a raw ORM
change must call `rebuild_stats` (or `recount`) itself."""

import functools
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction


@dataclass(frozen=True)
class Projection:
    buckets: Callable[[int], set]  # the rows a record (by id) counts in now
    refresh: Callable[[set], None]  # recount those rows from the records
    owner: Callable[[object], int | None]  # the record a service's result belongs to (a slip → its dossier)


_projections: dict[str, Projection] = {}
_paused: set[str] = set()


def register(kind: str, projection: Projection) -> None:
    _projections[kind] = projection


def pause(kind: str, paused: bool = True) -> None:
    """Only for measuring what the recounts cost (bench/daily_counts_write.py): the counts go stale meanwhile."""
    (_paused.add if paused else _paused.discard)(kind)


def _active(kind: str) -> Projection | None:
    return None if kind in _paused else _projections.get(kind)


def recount(kind: str, *record_ids: int) -> None:
    """Recount the rows these records count in now (after a change made outside the services)."""
    projection = _active(kind)
    if projection is not None:
        projection.refresh(set().union(*(projection.buckets(pk) for pk in record_ids if pk)))


@contextmanager
def recounting(kind: str, *record_ids: int):
    """Around a change made outside the services (a data fix, a test's raw write, a deletion): the rows the records
    counted in before and count in after are recounted, in the change's transaction."""
    projection = _active(kind)
    if projection is None:
        yield
        return
    with transaction.atomic():
        before = set().union(*(projection.buckets(pk) for pk in record_ids if pk))
        yield
        projection.refresh(before | set().union(*(projection.buckets(pk) for pk in record_ids if pk)))


def projected(kind: str, argument: str):
    """Decorate a service that changes the `kind` record passed as `argument` (or creates one and returns it, or
    returns something that belongs to it)."""

    def decorate(service):
        @functools.wraps(service)
        def run(*args, **kwargs):
            projection = _active(kind)
            if projection is None:
                return service(*args, **kwargs)
            with transaction.atomic():
                record = kwargs.get(argument)
                before_id = projection.owner(record) if record is not None else None
                before = projection.buckets(before_id) if before_id else set()
                result = service(*args, **kwargs)
                after_id = projection.owner(result) or before_id
                projection.refresh(before | (projection.buckets(after_id) if after_id else set()))
            return result

        return run

    return decorate
