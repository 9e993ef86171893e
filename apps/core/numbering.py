"""The one numbering service: gap-free counters by key, taken inside the caller's transaction.

Concurrent callers queue on the counter's row lock and never share a value; a caller that rolls back gives its
number back (the next caller takes it), so a register has no gaps. Keys name what they count, e.g.
`dossier:<agency>:<yymmdd>`, `book:<desk>:<year>`, `slip:<kind>:<unit>:<year>`."""

from django.db import transaction

from apps.core.models import Sequence


def next_number(key: str) -> int:
    with transaction.atomic():
        Sequence.objects.bulk_create([Sequence(key=key, last=0)], ignore_conflicts=True)
        sequence = Sequence.objects.select_for_update().get(key=key)
        sequence.last += 1
        sequence.save(update_fields=["last"])
    return sequence.last


def set_at_least(key: str, value: int) -> None:
    """Raise a counter to `value` (after rows numbered in bulk, e.g. generated history); never lowers it."""
    with transaction.atomic():
        Sequence.objects.bulk_create([Sequence(key=key, last=0)], ignore_conflicts=True)
        Sequence.objects.filter(key=key, last__lt=value).update(last=value)
