"""Helpers every test module shares: a moment in the province's time, a dossier received at the desk, the demo
province built once a session."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.db import connection, transaction

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, hhmm: str = "08:00") -> dt.datetime:
    """`at("25/11/2026", "09:00")`: that moment in Vietnam (the clock every deadline is counted on)."""
    return dt.datetime.strptime(f"{day} {hhmm}", "%d/%m/%Y %H:%M").replace(tzinfo=TZ)


def walk_in(w, moment: dt.datetime, **extra):
    """A complete paper dossier of the test world's procedure, received at its desk by its clerk at `moment`."""
    from apps.dossiers import services
    from apps.dossiers.tests.factories import APPLICANT

    return services.dossier_receive_walk_in(
        actor=w.clerk, desk=w.desk, procedure=w.procedure, applicant=extra.pop("applicant", APPLICANT),
        provided_paper_ids=w.paper_ids(), now=moment, **extra,
    )  # fmt: skip


def _table_rows() -> dict:
    from django.apps import apps

    tables = {}
    for model in apps.get_models(include_auto_created=True):
        key = model._meta.pk.attname
        fields = [field.attname for field in model._meta.concrete_fields if not field.generated]
        tables[model] = {row[key]: row for row in model._base_manager.values(*fields)}
    return tables


_demo_rows: dict = {}
_demo_base: dict = {}


def _base_now() -> dict:
    return {model: set(model._base_manager.values_list("pk", flat=True)) for model in _demo_base}


def load_demo_once() -> None:
    """The demo province, built by `load_demo` in the session's first test that asks for it and written back as
    rows in the next ones (3-4 s of building become a tenth of a second of inserts). Inside the test's transaction
    like any other data: each test still starts from an empty database. When the rows it was built on differ (a
    transactional test's flush removed the data migrations' groups, say), it is built again."""
    from apps.demo.province import load_demo

    if _demo_rows and _base_now() != _demo_base:
        load_demo()
        return
    if not _demo_rows:
        from apps.org.models import Unit

        if Unit.objects.exists():  # built (in part) already in this test: rows captured now would miss those
            load_demo()
            return
        before = _table_rows()
        load_demo()
        for model, rows in _table_rows().items():
            changed = [row for pk, row in rows.items() if before[model].get(pk) != row]
            if changed:
                _demo_rows[model] = changed
        _demo_base.update({model: set(rows) for model, rows in before.items() if rows})
        return
    with transaction.atomic():  # outside a test's transaction too (live server), the rows' keys are checked at the end
        _replay_demo_rows()


def _replay_demo_rows() -> None:
    for model, rows in _demo_rows.items():
        key = model._meta.pk.attname
        existing = set(model._base_manager.filter(pk__in=[row[key] for row in rows]).values_list("pk", flat=True))
        for row in rows:
            if row[key] in existing:
                model._base_manager.filter(pk=row[key]).update(**{k: v for k, v in row.items() if k != key})
        model._base_manager.bulk_create([model(**row) for row in rows if row[key] not in existing])
    _reset_sequences(list(_demo_rows))


def _reset_sequences(models_written) -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), models_written)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


_CSRF_TOKENS = re.compile(r'(<meta name="csrf-token" content="|name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+"')


def without_tokens(html: str) -> str:
    """A page without its CSRF tokens: random letters that may spell, by chance, a name a test looks for."""
    return _CSRF_TOKENS.sub(r'\1"', html)
