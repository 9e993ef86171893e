"""Reads of dossiers, always through the unit scope: desk, handling units at any step, leaders over the subtree."""

import datetime as dt
import json
import time

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation

from apps.calendar.selectors import due_soon_limit
from apps.core.ratelimit import over_limit, window_key
from apps.core.text import search_terms
from apps.dossiers.links import tracking_url
from apps.dossiers.models import Dossier, DossierStep, Outcome
from apps.org.models import Unit
from apps.org.selectors import active_memberships, units_visible_to, user_roles
from apps.procedures.models import Procedure

QUEUE_SCOPES = ("mine", "unit", "due_soon", "late")
LIST_RELATED = ("procedure", "desk", "filing_unit", "current_step", "current_step__unit", "current_step__assignee")


def dossiers_visible_to(user) -> QuerySet[Dossier]:
    if user is None or not user.is_authenticated:
        return Dossier.objects.none()
    if user.is_superuser:
        return Dossier.objects.all()
    units = units_visible_to(user).values("pk")
    at_my_steps = DossierStep.objects.filter(dossier=OuterRef("pk"), unit__in=units)
    return Dossier.objects.filter(Q(filing_unit__in=units) | Q(desk__in=units) | Exists(at_my_steps))


def dossier_for(user, *, code: str) -> Dossier:
    return dossiers_visible_to(user).select_related(*LIST_RELATED, "received_by").get(code=code)


def dossier_timeline(dossier: Dossier) -> list[DossierStep]:
    return list(dossier.steps.select_related("unit", "assignee", "finished_by").order_by("order"))


def queue_unit_ids(user) -> list[int] | None:
    """The units whose queues the user sees, as a list (None: all). Handing the database literal ids lets SQLite's
    planner pick the queue index; a subquery looks unselective to it and it scans every open dossier instead."""
    return None if user.is_superuser else list(units_visible_to(user).values_list("pk", flat=True))


def work_queue(
    user,
    *,
    scope: str = "unit",
    query: str = "",
    procedure_id: int | None = None,
    now: dt.datetime | None = None,
    unit_ids: list[int] | None = None,
) -> QuerySet[Dossier]:
    """Open dossiers waiting at a step in the user's scope, oldest deadline first.

    The queue columns (current_unit, current_due_at) are set exactly while a dossier waits at a step and cleared
    when it closes, so they alone select the open dossiers; the index on them answers with a range scan per unit,
    whatever the province's size. A dossier waiting at one of the user's units is visible to the user by definition.
    """
    now = now or timezone.now()
    if not user.is_superuser:
        unit_ids = queue_unit_ids(user) if unit_ids is None else unit_ids
    dossiers = Dossier.objects.filter(current_unit__isnull=False)
    if not user.is_superuser:
        dossiers = dossiers.filter(current_unit__in=unit_ids)
    if scope == "mine":
        my_units = set(active_memberships(user).values_list("unit_id", flat=True))
        # A step is assigned within its unit, so "mine" stays on the queue index: my units first, then the person.
        dossiers = dossiers.filter(current_unit__in=sorted(my_units)).filter(
            Q(current_step__assignee=user)
            | Q(current_step__assignee__isnull=True, current_step__role__in=sorted(user_roles(user)))
        )
    elif scope == "due_soon":
        dossiers = dossiers.filter(current_due_at__gte=now, current_due_at__lte=due_soon_limit(now))
    elif scope == "late":
        dossiers = dossiers.filter(Q(current_due_at__lt=now) | Q(appointment_at__lt=now))
    for term in search_terms(query):
        dossiers = dossiers.filter(search_key__contains=term)
    if procedure_id:
        dossiers = dossiers.filter(procedure_id=procedure_id)
    return dossiers.select_related(*LIST_RELATED).order_by("current_due_at", "pk")


def queue_page(queryset: QuerySet[Dossier], page_number, per_page: int = 30):
    """Paginate on the narrow (id, due time) index first, then load the page's rows with their joins: sorting a
    few thousand ids is cheap, sorting a few thousand fully joined rows is not."""
    from django.core.paginator import Paginator

    page = Paginator(queryset.select_related(None).values_list("pk", flat=True), per_page).get_page(page_number)
    ids = list(page.object_list)
    rows = queryset.model.objects.select_related(*LIST_RELATED).in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


def queue_counts(user, *, now: dt.datetime | None = None) -> dict[str, int]:
    """The four tab counts in one query each (they do not grow with rows)."""
    now = now or timezone.now()
    unit_ids = queue_unit_ids(user)
    return {scope: work_queue(user, scope=scope, now=now, unit_ids=unit_ids).count() for scope in QUEUE_SCOPES}


def late_and_at_risk(user, *, now: dt.datetime | None = None) -> dict:
    """For leaders: open dossiers past their appointment or whose current step is late, grouped by the unit and
    the officer holding them."""
    now = now or timezone.now()
    late = work_queue(user, scope="late", now=now)
    by_unit = late.values("current_unit__name").annotate(count=Count("pk")).order_by("-count", "current_unit__name")
    by_officer = (
        late.exclude(current_step__assignee__isnull=True)
        .values("current_step__assignee__full_name", "current_step__assignee__username")
        .annotate(count=Count("pk"))
        .order_by("-count")
    )
    return {"dossiers": late, "by_unit": list(by_unit), "by_officer": list(by_officer)}


def public_tracking(code: str) -> Dossier | None:
    """The dossier with its steps for the public page (no personal data is shown there)."""
    return (
        Dossier.objects.select_related("procedure", "desk", "filing_unit")
        .prefetch_related("steps__unit")
        .filter(code=code)
        .first()
    )


_DOSSIER_SQL = (
    "SELECT id, code, channel, status, submitted_at, received_at, appointment_at, original_appointment_at, "
    "rescheduled, ready_at, returned_at, outcome, procedure_id, filing_unit_id FROM dossiers_dossier WHERE code = %s"
)
_STEPS_SQL = (
    'SELECT "order", name, unit_id, started_at, due_at, finished_at, outcome FROM dossiers_dossierstep '
    'WHERE dossier_id = %s ORDER BY "order"'
)
DOSSIER_COLUMNS = ("id", "code", "channel", "status", "submitted_at", "received_at", "appointment_at",
                   "original_appointment_at", "rescheduled", "ready_at", "returned_at", "outcome", "procedure_id",
                   "filing_unit_id")  # fmt: skip
STEP_COLUMNS = ("order", "name", "unit_id", "started_at", "due_at", "finished_at", "outcome")
_DATE_COLUMNS = {"submitted_at", "received_at", "appointment_at", "original_appointment_at", "ready_at", "returned_at",
                 "started_at", "due_at", "finished_at"}  # fmt: skip
NAMES_CACHE_SECONDS = 300


_names_memo: dict = {"at": 0.0, "names": None}


def _names(refresh: bool = False) -> dict:
    """Names of procedures and units by id, for public pages: a few hundred rows kept in process memory for five
    minutes (a rename shows within five minutes; a new unit or procedure at once, see the caller)."""
    now = time.monotonic()
    if refresh or _names_memo["names"] is None or now - _names_memo["at"] > NAMES_CACHE_SECONDS:
        _names_memo["names"] = {
            "procedure": {pk: (name, code) for pk, name, code in Procedure.objects.values_list("pk", "name", "code")},
            "unit": dict(Unit.objects.values_list("pk", "name")),
        }
        _names_memo["at"] = now
    return _names_memo["names"]


def forget_names() -> None:
    _names_memo["names"] = None


def _aware(value):
    """SQLite hands back naive UTC (or text through a raw cursor); PostgreSQL aware datetimes."""
    if value is None or (isinstance(value, dt.datetime) and value.tzinfo is not None):
        return value
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC)


def _record(columns, values) -> dict:
    return {
        name: _aware(value) if name in _DATE_COLUMNS else value for name, value in zip(columns, values, strict=True)
    }


def public_tracking_data(code: str) -> dict | None:
    """What anyone may see of a dossier by its code, read from the source tables: status, dates, steps with their
    units; no personal data. Two single-table indexed lookups written by hand (the ORM would spend longer compiling
    them, and a five-table join longer planning, than the database spends answering) and names from a small map."""
    with connection.cursor() as cursor:
        cursor.execute(_DOSSIER_SQL, [code])
        row = cursor.fetchone()
        if row is None:
            return None
        data = _record(DOSSIER_COLUMNS, row)
        cursor.execute(_STEPS_SQL, [data["id"]])
        steps = [_record(STEP_COLUMNS, step) for step in cursor.fetchall()]
    names = _names()
    if data["procedure_id"] not in names["procedure"] or any(s["unit_id"] not in names["unit"] for s in steps):
        names = _names(refresh=True)  # a unit or procedure created in the last minutes
    return with_names(data, steps, names)


def public_tracking_rows(dossier_ids) -> list[dict]:
    """public_tracking_data for many dossiers at once (two queries), for publishing in bulk."""
    rows = list(Dossier.objects.filter(pk__in=dossier_ids).values(*DOSSIER_COLUMNS))
    steps: dict[int, list[dict]] = {row["id"]: [] for row in rows}
    for step in (
        DossierStep.objects.filter(dossier_id__in=steps)
        .order_by("dossier_id", "order")
        .values("dossier_id", *STEP_COLUMNS)
    ):
        steps[step.pop("dossier_id")].append(step)
    names = _names(refresh=True)
    return [with_names(row, steps[row["id"]], names) | {"id": row["id"]} for row in rows]


def with_names(row: dict, steps: list[dict], names: dict) -> dict:
    """A dossier row and its step rows with the procedure's and units' public names instead of their ids."""
    data = {key: value for key, value in row.items() if key not in ("id", "procedure_id", "filing_unit_id")}
    data["procedure__name"], data["procedure__code"] = names["procedure"][row["procedure_id"]]
    data["filing_unit__name"] = names["unit"][row["filing_unit_id"]]
    data["steps"] = [
        {key: value for key, value in step.items() if key != "unit_id"} | {"unit__name": names["unit"][step["unit_id"]]}
        for step in steps
    ]
    return data


def _local(value):
    return timezone.localtime(value).isoformat() if value else None


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value else ""


def public_payload(data: dict) -> dict:
    """The public answer (the shape of the API's PublicDossierSerializer), built from plain data."""
    dates = ("submitted_at", "received_at", "appointment_at", "original_appointment_at", "ready_at", "returned_at")
    return {
        "code": data["code"], "procedure": data["procedure__name"], "procedure_code": data["procedure__code"],
        "agency": data["filing_unit__name"], "channel": data["channel"], "status": data["status"],
        "status_label": _label(Dossier.Status, data["status"]), **{name: _local(data[name]) for name in dates},
        "rescheduled": bool(data["rescheduled"]), "outcome": data["outcome"],
        "outcome_label": _label(Outcome, data["outcome"]),
        "steps": [
            {"order": step["order"], "name": step["name"], "unit": step["unit__name"],
             "started_at": _local(step["started_at"]), "due_at": _local(step["due_at"]),
             "finished_at": _local(step["finished_at"]), "outcome": step["outcome"],
             "outcome_label": _label(Outcome, step["outcome"])}
            for step in data["steps"]
        ],
        "tracking_url": tracking_url(data["code"]),
    }  # fmt: skip


def render_public_payload(data: dict) -> str:
    return json.dumps(public_payload(data), ensure_ascii=False, separators=(",", ":"))


_SNAPSHOT_SQL = "SELECT body FROM dossiers_publictracking WHERE code = %s"
PUBLISHED_LANGUAGE = "vi"


def public_tracking_json(code: str) -> str | None:
    """The public answer as JSON text. In Vietnamese (the default) it is the row published at the dossier's last
    change: one primary-key lookup for the busiest public read. Otherwise (another language, or a row not yet
    published) it is built from the source tables."""
    if translation.get_language() == PUBLISHED_LANGUAGE:
        row = _published_row(code)
        if row is not None:
            return row[0]
    data = public_tracking_data(code)
    return None if data is None else render_public_payload(data)


TRACKING_CACHE_SECONDS = 300


def tracking_cache_key(code: str) -> str:
    return f"tracking:{code}"


def public_tracking_lookup(request, code: str, limit: int, period: int) -> tuple[bool, str | None]:
    """The busiest public read: (over the client's limit?, the public answer as JSON text or None).

    On Redis the client's counter and the cached answer travel in one round trip; a miss reads the published row
    and caches it with SET NX, so it can never replace a newer answer that the publisher wrote meanwhile. Every
    change drops the cached answer and the publisher writes the new one (services.republish_tracking)."""
    cacheable = translation.get_language() == PUBLISHED_LANGUAGE and hasattr(cache, "count_and_get")
    if not cacheable:
        if over_limit(request, "public_lookup", limit, period):
            return True, None
        return False, public_tracking_json(code)
    count, body = cache.count_and_get(window_key(request, "public_lookup", period), period + 5,
                                      tracking_cache_key(code))  # fmt: skip
    if count > limit:
        return True, None
    if body is None:
        body = public_tracking_json(code)
        if body is not None:
            cache.add(tracking_cache_key(code), body, TRACKING_CACHE_SECONDS)
    return False, body


def _published_row(code: str):
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_SNAPSHOT_SQL, [code])
            return cursor.fetchone()
    # A prepared statement on the underlying psycopg connection: PostgreSQL then neither parses nor plans the
    # lookup again, which halves its time (Django's cursor binds parameters on the client, so it cannot prepare).
    # Django's error wrapper still marks a broken connection so that it is replaced after the request.
    from psycopg import Cursor

    connection.ensure_connection()
    with connection.wrap_database_errors, Cursor(connection.connection) as cursor:
        return cursor.execute(_SNAPSHOT_SQL, [code], prepare=True).fetchone()
