"""Public tracking of a dossier by its code: one home for what anyone may see and how it is kept fast.

Read side: the answer is the row published at the dossier's last change (`PublicTracking`), one primary-key lookup;
built from the source tables when not yet published or in another language. The row holds the answer in two forms:
the API's JSON and the tracking page's public part, rendered from that JSON, so the two can never disagree and the
page renders no template per request. With Redis, every published answer is also kept there, packed, with the
owner's details sealed under the owner's own phone and ID number (the publisher writes them, `store_published` puts
back what Redis lost): a lookup, the owner's too, then reads them in the round trip that counts the client.
Write side: every service that changes a dossier calls `republish(dossier)` inside its transaction; the row and the
Redis copy are withdrawn there, and published again after the commit.
"""

import datetime as dt
import functools
import hashlib
import hmac
import json
import re
import time
import zlib
from html import escape  # Django's escape without its lazy-string wrapper: the owner's lookup is hot

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from apps.core.phones import normalize_phone
from apps.core.ratelimit import over_limit, window_key
from apps.dossiers.links import public_paths, tracking_url
from apps.dossiers.models import Attachment, Dossier, DossierStep, Outcome, PublicTracking, Rating, Slip
from apps.dossiers.selectors import is_owner
from apps.org.models import Unit
from apps.procedures.models import Procedure


def public_tracking(code: str) -> Dossier | None:
    """The dossier with its steps as model objects (the API serializer's source, checked against the payload)."""
    return (
        Dossier.objects.select_related("procedure", "desk", "filing_unit")
        .prefetch_related("steps__unit")
        .filter(code=code)
        .first()
    )


_DOSSIER_SQL = (
    "SELECT id, code, channel, status, submitted_at, received_at, due_at, appointment_at, original_appointment_at, "
    "rescheduled, ready_at, returned_at, outcome, payment, fee_vnd, procedure_id, filing_unit_id FROM dossiers_dossier "
    "WHERE code = %s"
)
_STEPS_SQL = (
    'SELECT "order", name, unit_id, started_at, due_at, finished_at, outcome FROM dossiers_dossierstep '
    'WHERE dossier_id = %s ORDER BY "order"'
)
DOSSIER_COLUMNS = ("id", "code", "channel", "status", "submitted_at", "received_at", "due_at", "appointment_at",
                   "original_appointment_at", "rescheduled", "ready_at", "returned_at", "outcome", "payment", "fee_vnd",
                   "procedure_id", "filing_unit_id")  # fmt: skip
STEP_COLUMNS = ("order", "name", "unit_id", "started_at", "due_at", "finished_at", "outcome")
_DATE_COLUMNS = {"submitted_at", "received_at", "due_at", "appointment_at", "original_appointment_at", "ready_at",
                 "returned_at", "started_at", "finished_at"}  # fmt: skip
NAMES_CACHE_SECONDS = 300
WAITING_FOR_CITIZEN = (Dossier.Status.NEEDS_COMPLETION, Dossier.Status.SUPPLEMENT_REQUESTED)
RESULT_STATUSES = frozenset({Dossier.Status.READY, Dossier.Status.RETURNED})  # a stored result can be downloaded
_RESULT_SQL = "SELECT 1 FROM dossiers_attachment WHERE dossier_id = %s AND purpose = %s LIMIT 1"
PUBLIC_DATES = ("submitted_at", "received_at", "due_at", "appointment_at", "original_appointment_at", "ready_at",
                "returned_at")  # fmt: skip


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


def warm_names() -> None:
    """Read the names before the first lookup (a server's start-up: congvu/warmup.py)."""
    _names(refresh=True)


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
        data["electronic_result"] = False
        if data["status"] in RESULT_STATUSES:
            cursor.execute(_RESULT_SQL, [data["id"], Attachment.Purpose.RESULT])
            data["electronic_result"] = cursor.fetchone() is not None
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
    with_result = set(
        Attachment.objects.filter(
            dossier_id__in=[row["id"] for row in rows if row["status"] in RESULT_STATUSES],
            purpose=Attachment.Purpose.RESULT,
        ).values_list("dossier_id", flat=True)
    )
    for row in rows:
        row["electronic_result"] = row["id"] in with_result
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
    return {
        "code": data["code"], "procedure": data["procedure__name"], "procedure_code": data["procedure__code"],
        "agency": data["filing_unit__name"], "channel": data["channel"], "status": data["status"],
        "status_label": _label(Dossier.Status, data["status"]), **{name: _local(data[name]) for name in PUBLIC_DATES},
        "rescheduled": bool(data["rescheduled"]), "outcome": data["outcome"],
        "outcome_label": _label(Outcome, data["outcome"]), "fee_vnd": data["fee_vnd"],
        "fee_unpaid": data["payment"] == Dossier.Payment.UNPAID, "electronic_result": data["electronic_result"],
        "steps": [
            {"order": step["order"], "name": step["name"], "unit": step["unit__name"],
             "started_at": _local(step["started_at"]), "due_at": _local(step["due_at"]),
             "finished_at": _local(step["finished_at"]), "outcome": step["outcome"],
             "outcome_label": _label(Outcome, step["outcome"])}
            for step in data["steps"]
        ],
        "tracking_url": tracking_url(data["code"]),
    }  # fmt: skip


def asked_papers(items: str) -> list[str]:
    """The papers a supplement request asks for, one per line of the slip (what the citizen must bring)."""
    return [line.strip(" -•;") for line in (items or "").splitlines() if line.strip(" -•;")]


def render_public_payload(data: dict) -> str:
    return json.dumps(public_payload(data), ensure_ascii=False, separators=(",", ":"))


_SNAPSHOT_SQL = "SELECT body FROM dossiers_publictracking WHERE code = %s"
# A published row's part, and its answer only when the part is missing or of an older version (see _current_part).
_PART_COLUMNS = "p.part, CASE WHEN p.part LIKE %s THEN NULL ELSE p.body END"
_PART_SQL = f"SELECT {_PART_COLUMNS} FROM dossiers_publictracking p WHERE p.code = %s"
PUBLISHED_LANGUAGE = "vi"


def public_tracking_json(code: str) -> str | None:
    """The public answer as JSON text. In Vietnamese (the default) it is the row published at the dossier's last
    change: one primary-key lookup for the busiest public read. Otherwise (another language, or a row not yet
    published) it is built from the source tables."""
    if translation.get_language() == PUBLISHED_LANGUAGE:
        row = _one_row(_SNAPSHOT_SQL, [code])
        if row is not None:
            return row[0]
    data = public_tracking_data(code)
    return None if data is None else render_public_payload(data)


def public_tracking_part(code: str) -> str | None:
    """The tracking page's public part (HTML, with the owner's marks), as public_tracking_json reads the answer:
    the published row's in Vietnamese, rendered from the tables otherwise. A row whose part is missing or of an
    older version (published before it was kept, or before its template last changed) has it rendered from the
    row's answer."""
    if translation.get_language() == PUBLISHED_LANGUAGE:
        row = _one_row(_PART_SQL, [f"{PART_MARK}%", code])
        if row is not None:
            return _current_part(*row)
    data = public_tracking_data(code)
    return None if data is None else render_public_part(render_public_payload(data))


def _current_part(part: str, body: str | None) -> str:
    """The row's part as _PART_COLUMNS read it: as stored, or rendered from the row's answer when it is missing or
    of an older version (the answer is read only then)."""
    return part if body is None else render_public_part(body)


# The part's version: raise it with every change of what renders it (the template, the labels it translates, the
# links): rows of an older version are rendered again when read, and `publish_tracking` stores them again. A test
# holds the template's fingerprint to remind whoever changes it.
PART_VERSION = 1
PART_MARK = f"<!--part:v{PART_VERSION}-->"
ASKED_MARK, OWNER_MARK = "<!--asked-->", "<!--owner-->"


def render_public_part(body: str) -> str:
    """The public answer (JSON text) as the tracking page shows it to anyone: its version's mark first, then the
    HTML with marks where the owner's own details go (with_owner)."""
    data = _page_data(body)
    return PART_MARK + render_to_string("dossiers/_public_tracking.html", {"d": data, **public_paths(data["code"])})


def with_owner(part: str, owner: dict | None = None, rating_link: str | None = None) -> str:
    """The public part as this visitor sees it: with the owner's details (owner_lookup) for the owner, without
    the marks for anyone else. The owner's few lines are written here, not in a template: the owner's lookup then
    renders no template either."""
    part = part.removeprefix(PART_MARK)
    if owner is None:
        return part.replace(ASKED_MARK, "").replace(OWNER_MARK, "")
    asked = "".join(f"<li>{escape(paper)}</li>" for paper in owner["asked"])
    details = (f'<div class="alert alert-info mt-2 mb-2" id="owner">{escape(_("Người nộp"))}: '
               f'{escape(owner["name"])} · {escape(owner["address"])}</div>')  # fmt: skip
    if rating_link:
        details += (f'\n  <p class="mt-2 mb-2"><a class="btn btn-outline-primary" href="{escape(rating_link)}" '
                    f'id="rating-link">{escape(_("Đánh giá mức độ hài lòng"))}</a></p>')  # fmt: skip
    return part.replace(ASKED_MARK, f'<ul class="mb-1">{asked}</ul>' if asked else "").replace(OWNER_MARK, details)


TRACKING_CACHE_SECONDS = 300  # a reader's fill after a miss (the hourly store puts back what Redis lost)
UNKNOWN_CODE = b""  # an unknown code's cached answer (a dossier received with it replaces it) ...
UNKNOWN_CACHE_SECONDS = 60  # ... for this long
# The publisher's and the store's writes last this long; the store runs daily (tasks.store_tracking_answers), so an
# answer stays in Redis until its dossier changes, as long as Redis has the memory for it.
STORED_SECONDS = 2 * 24 * 3600
STORED_MARK, STORED_MARK_SECONDS = f"tracking:v3:stored:v{PART_VERSION}", 24 * 3600


# What a dossier's code can be: an agency's identifier (up to 35 characters, upper case, digits, dots), the day and
# a number (apps.dossiers.services.receipt.new_dossier_code), at most Dossier.code's 60 characters.
CODE_PATTERN = re.compile(r"[A-Z0-9.\-]{1,60}")


# v2: with the fee and the result (dossiers 0012); v3: packed. No older shape or form is ever read.
def tracking_cache_key(code: str) -> str:
    return f"tracking:v3:{code}"


def tracking_part_cache_key(code: str) -> str:
    return f"tracking:v3:part:v{PART_VERSION}:{code}"


def packed(answer: str) -> bytes:
    """An answer as Redis keeps it: zlib at its fastest level, about 40 % of the text (a million dossiers'
    answers, both forms, took 1.8 GiB of Redis); unpacking one takes about 10 µs."""
    return zlib.compress(answer.encode(), 1)


def unpacked(value: bytes) -> str | None:
    """A cached answer as text; None for a code cached as unknown."""
    return zlib.decompress(value).decode() if value else None


FORMS = {"json": (tracking_cache_key, public_tracking_json), "part": (tracking_part_cache_key, public_tracking_part)}


def public_tracking_lookup(
    request, code: str, limit: int, period: int, scope: str = "public_lookup", form: str = "json"
) -> tuple[bool, str | None]:
    """The busiest public read: (over the client's limit?, the public answer or None), as JSON text for the API or
    as the tracking page's public part (`form="part"`).

    On Redis the client's counter and the answer (packed; kept there for every published dossier, see
    store_published) travel in one round trip. A miss (Redis lost it, or a code no dossier has) reads the published
    row and caches what it read, an unknown code as UNKNOWN_CODE, in the process's next round trip (add_soon): a
    miss then costs one database read more than a hit, not two more round trips. The cache is written with SET NX,
    so a reader never replaces a newer answer that the publisher wrote meanwhile; every change drops the cached
    answer and the publisher writes the new one (republish)."""
    key_of, read = FORMS[form]
    if not CODE_PATTERN.fullmatch(code):  # no such dossier: counted, neither read nor cached
        return over_limit(request, scope, limit, period), None
    cacheable = translation.get_language() == PUBLISHED_LANGUAGE and hasattr(cache, "count_and_get")
    if not cacheable:
        if over_limit(request, scope, limit, period):
            return True, None
        return False, read(code)
    count, cached = cache.count_and_get(window_key(request, scope, period), period + 5, key_of(code))
    if count > limit:
        return True, None
    if cached is not None:
        return False, unpacked(cached)
    body = read(code)
    if body is None:
        cache.add_soon(key_of(code), UNKNOWN_CODE, UNKNOWN_CACHE_SECONDS)
    else:
        cache.add_soon(key_of(code), packed(body), TRACKING_CACHE_SECONDS)
    return False, body


_STEP_DATES = ("started_at", "due_at", "finished_at")


def _page_data(body: str) -> dict:
    """The public answer (JSON text) as a page shows it: the same fields, times written "H:i d/m/Y" (they are
    local times already)."""
    data = json.loads(body)
    for name in PUBLIC_DATES:
        data[name] = _shown(data[name])
    for step in data["steps"]:
        for name in _STEP_DATES:
            step[name] = _shown(step[name])
    return data


def _shown(value: str | None) -> str:
    return dt.datetime.fromisoformat(value).strftime("%H:%M %d/%m/%Y") if value else ""


# The owner's fields of one dossier with its published part, for a lookup: one prepared statement (sealed_owners
# reads the same fields for many dossiers at once, through the ORM, for the publisher and the store).
_OWNER_SQL = (
    "SELECT d.status, d.applicant_phone, d.applicant_id_number, d.applicant_name, d.applicant_address, "
    "EXISTS (SELECT 1 FROM dossiers_rating r WHERE r.dossier_id = d.id), "
    "(SELECT s.items FROM dossiers_slip s WHERE s.dossier_id = d.id AND s.kind = %s AND s.answered_at IS NULL "
    "ORDER BY s.issued_at DESC LIMIT 1), "
    f"{_PART_COLUMNS} FROM dossiers_dossier d LEFT JOIN dossiers_publictracking p ON p.code = d.code WHERE d.code = %s"
)


def owner_lookup(
    request, code: str, secret: str, limit: int, period: int, scope: str
) -> tuple[bool, str | None, dict | None]:
    """The owner's lookup (code and the dossier's phone, however typed, or ID number): (over the client's limit?,
    the page's public part or None for an unknown code, the owner's details or None for a wrong secret). Counted
    in `scope` like public_tracking_lookup, once per request however many times it is asked (a fast path may ask
    before the view does, see apps.portal.citizen.owner_answer).

    On Redis the count, the part and the owner's sealed details (seal_owner) travel in one round trip; otherwise,
    or when Redis has no current details, the part and the details come from one indexed read (the part being the
    published one, as public_tracking_part gives it) and are sealed into Redis for the next lookup."""
    asked = (code, secret)
    memo = getattr(request, "_owner_lookup", None)
    if memo is None or memo[0] != asked:
        request._owner_lookup = memo = (asked, _owner_lookup(request, code, secret, limit, period, scope))
    return memo[1]


def _owner_lookup(request, code: str, secret: str, limit: int, period: int, scope: str):
    if not CODE_PATTERN.fullmatch(code):  # no such dossier: counted, neither read nor cached
        return over_limit(request, scope, limit, period), None, None
    if translation.get_language() != PUBLISHED_LANGUAGE or not owners_in_cache():
        if over_limit(request, scope, limit, period):
            return True, None, None
        return (False, *_owner_from_tables(code, secret, fill=False))
    window = window_key(request, scope, period)
    count, (cached_part, sealed) = cache.count_and_get_many(
        window, period + 5, [tracking_part_cache_key(code), owner_cache_key(code)]
    )
    if count > limit:
        return True, None, None
    if cached_part == UNKNOWN_CODE:
        return False, None, None
    if cached_part is not None and sealed is not None:
        part = unpacked(cached_part)
        owner = open_owner(sealed, code, part, secret)
        if owner is not STALE:
            return False, part, owner
    return (False, *_owner_from_tables(code, secret, fill=True, part_missed=cached_part is None))


def _owner_from_tables(code: str, secret: str, *, fill: bool, part_missed: bool = False):
    """(part, owner's details) read from the tables; with `fill`, written to Redis with the next round trip."""
    row = _one_row(_OWNER_SQL, [Slip.Kind.SUPPLEMENT.value, f"{PART_MARK}%", code])
    if row is None:
        if fill:
            cache.add_soon(tracking_part_cache_key(code), UNKNOWN_CODE, UNKNOWN_CACHE_SECONDS)
        return None, None
    status, phone, id_number, name, address, rated, asked, part, body = row
    if translation.get_language() != PUBLISHED_LANGUAGE or part is None:
        part = public_tracking_part(code)  # another language, or withdrawn by a change and not yet published
    else:
        part = _current_part(part, body)
    if part is None:
        return None, None
    details = owner_details(status, name, address, rated, asked)
    if fill:
        if part_missed:
            cache.add_soon(tracking_part_cache_key(code), packed(part), TRACKING_CACHE_SECONDS)
        # A plain SET: details sealed with an older part than Redis holds are never opened (open_owner), so details
        # read before a change that publishes a new part cannot stay. A rating publishes none: details read just
        # before one and sent after its forget_owner offer the rating link again until they expire (the rating
        # page then says the dossier is rated already).
        cache.set_soon(owner_cache_key(code), seal_owner(code, part, phone, id_number, details), TRACKING_CACHE_SECONDS)
    return part, (details if is_owner(secret, phone, id_number) else None)


# --- the owner's details in Redis --------------------------------------------------------------------------------
# Sealed (AES-GCM) under keys derived from the server's SECRET_KEY and the owner's own phone or ID number: whoever
# reads Redis without both learns nothing of the owner, and a lookup with a wrong secret opens nothing, which is how
# the secret is checked. The seal also holds a digest of the public part it was read with: once the dossier has
# changed (its part is published again) the details are not opened but read again. A rating changes no part: it
# forgets them itself (forget_owner).

OWNER_SALT = "apps.dossiers.tracking.owner"
STALE = object()  # sealed details that must be read again


def owner_cache_key(code: str) -> str:
    return f"tracking:v3:owner:{code}"


def owners_in_cache() -> bool:
    """Whether the cache is Redis, where the owners' details are kept sealed (each process's own memory is not)."""
    return hasattr(cache, "count_and_get_many")


def owner_details(status: str, name: str, address: str, rated: bool, asked: str | None) -> dict:
    """What the owner's lookup shows besides the public part."""
    return {
        "name": name, "address": address,
        "asked": asked_papers(asked or "") if status in WAITING_FOR_CITIZEN else [],
        "awaits_rating": status == Dossier.Status.RETURNED and not rated,
    }  # fmt: skip


def sealed_owners(parts: dict[int, tuple[str, str]]) -> dict[str, tuple]:
    """Redis key → the sealed details, for dossiers given as id → (code, the part published for it): one query."""
    open_slip = Slip.objects.filter(dossier=OuterRef("pk"), kind=Slip.Kind.SUPPLEMENT, answered_at__isnull=True)
    rows = (
        Dossier.objects.filter(pk__in=list(parts))
        .annotate(rated=Exists(Rating.objects.filter(dossier=OuterRef("pk"))),
                  asked=Subquery(open_slip.order_by("-issued_at").values("items")[:1]))
        .values_list("pk", "status", "applicant_phone", "applicant_id_number", "applicant_name", "applicant_address",
                     "rated", "asked")
    )  # fmt: skip
    sealed = {}
    for dossier_id, status, phone, id_number, name, address, rated, asked in rows:
        code, part = parts[dossier_id]
        details = owner_details(status, name, address, rated, asked)
        sealed[owner_cache_key(code)] = seal_owner(code, part, phone, id_number, details)
    return sealed


def seal_owner(code: str, part: str, phone: str, id_number: str, details: dict) -> tuple:
    """The owner's details as Redis keeps them: (the server key's id, the part's digest, a box the phone opens, a
    box the ID number opens); a box is None when the dossier has no such secret."""
    plain = json.dumps(details, ensure_ascii=False).encode()
    phone = normalize_phone(phone)
    key_id, digest = _server_key_id(), _digest(part)
    bound = _bound(code, key_id, digest)
    return (
        key_id, digest,
        _seal(code, f"phone:{phone}", plain, bound) if phone else None,
        _seal(code, f"id:{id_number}", plain, bound) if id_number else None,
    )  # fmt: skip


def open_owner(sealed, code: str, part: str, secret: str):
    """The details for an owner's secret (as is_owner compares it), None for any other secret, STALE when the seal
    is of another part, another server key or another shape (the details must be read again)."""
    if not isinstance(sealed, tuple) or len(sealed) != 4:
        return STALE
    key_id, digest, phone_box, id_box = sealed
    if key_id != _server_key_id() or digest != _digest(part):
        return STALE
    secret = secret.strip()
    phone = normalize_phone(secret)
    for box, opener in ((phone_box, f"phone:{phone}" if phone else None), (id_box, f"id:{secret.replace(' ', '')}")):
        if box is not None and opener is not None:
            try:
                plain = AESGCM(_box_key(code, opener)).decrypt(box[:12], box[12:], _bound(code, key_id, digest))
            except InvalidTag:
                continue
            return json.loads(plain)
    return None


def forget_owner(code: str) -> None:
    """Drop the owner's sealed details now and after the commit (a change that publishes no new part). Details read
    just before the commit and written just after it (a lookup's fill, the daily store's batch) still offer what the
    change took away until they expire; for a rating, the rating page then says the dossier is rated already."""
    cache.delete(owner_cache_key(code))
    transaction.on_commit(lambda: cache.delete(owner_cache_key(code)))


def _seal(code: str, opener: str, plain: bytes, bound: bytes) -> bytes:
    """A nonce drawn from the details themselves (as a synthetic-IV mode would), under a key of its own: the same
    details seal to the same bytes, so the daily store can tell a seal still current (cache.converge_many), and
    other details never share a nonce. What the seal says besides (code, server key, part) is authenticated too."""
    nonce = hmac.new(_box_key(code, opener, "nonce"), bound + plain, hashlib.sha256).digest()[:12]
    return nonce + AESGCM(_box_key(code, opener)).encrypt(nonce, plain, bound)


def _bound(code: str, key_id: bytes, digest: bytes) -> bytes:
    return code.encode() + b"\x00" + key_id + digest


def _box_key(code: str, opener: str, use: str = "seal") -> bytes:
    return salted_hmac(f"{OWNER_SALT}.{use}", f"{code}\x00{opener}", algorithm="sha256").digest()


def _server_key_id() -> bytes:
    return _key_id_of(settings.SECRET_KEY)


@functools.lru_cache(maxsize=4)
def _key_id_of(secret_key: str) -> bytes:
    """Once per process and key: every seal made and opened asks for it."""
    return salted_hmac(f"{OWNER_SALT}.key-id", "", secret=secret_key, algorithm="sha256").digest()[:8]


def _digest(part: str) -> bytes:
    return hashlib.blake2b(part.encode(), digest_size=16).digest()


def _one_row(sql: str, params: list):
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    if connection.queries_logged:  # what Django's own cursor would log (tests count queries; DEBUG lists them)
        connection.queries_log.append({"sql": sql % tuple(repr(param) for param in params), "time": "0.000"})
    # A prepared statement on the underlying psycopg connection: PostgreSQL then neither parses nor plans the
    # lookup again, which halves its time (Django's cursor binds parameters on the client, so it cannot prepare).
    # Django's error wrapper still marks a broken connection so that it is replaced after the request.
    from psycopg import Cursor

    connection.ensure_connection()
    with connection.wrap_database_errors, Cursor(connection.connection) as cursor:
        return cursor.execute(sql, params, prepare=True).fetchone()


# --- publishing -----------------------------------------------------------------------------------------


def republish(dossier: Dossier) -> None:
    """For every change of a dossier: its published tracking answer is withdrawn in the change's own transaction
    (readers then build it from the tables) and published again after the commit; should that publishing never
    happen, the hourly tasks.store_tracking_answers publishes it."""
    PublicTracking.objects.filter(code=dossier.code).delete()
    cache.delete_many(cache_keys(dossier.code))
    dossier_id, code = dossier.pk, dossier.code

    def publish_after_commit():  # a named function: Django logs a failed robust callback by its __qualname__
        publish(dossier_id, code)

    transaction.on_commit(publish_after_commit, robust=True)


def publish_many(dossier_ids) -> int:
    """Publish the tracking answers of many dossiers at once (the backfill command, generated load data)."""
    with transaction.atomic(), translation.override(PUBLISHED_LANGUAGE):
        rows = public_tracking_rows(dossier_ids)
        PublicTracking.objects.filter(dossier_id__in=[row["id"] for row in rows]).delete()
        PublicTracking.objects.bulk_create(
            _published(row["id"], row["code"], render_public_payload(row)) for row in rows
        )
    # Redis no longer holds every answer: the next hourly store puts these in (publish_tracking stores at once).
    cache.delete_many([STORED_MARK, *(key for row in rows for key in cache_keys(row["code"]))])
    return len(rows)


_FILL_PART_SQL = "UPDATE dossiers_publictracking SET part = %s WHERE code = %s AND body = %s"


def fill_parts(rows: list[tuple[str, str]]) -> None:
    """Render the page part of rows published before it was kept (dossiers 0013) or before its last version, from
    each row's own answer (code, body): no source table is read. A row published again meanwhile (another body)
    is left as it was published."""
    with translation.override(PUBLISHED_LANGUAGE):
        params = [(render_public_part(body), code, body) for code, body in rows]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(_FILL_PART_SQL, params)


def _published(dossier_id: int, code: str, body: str) -> PublicTracking:
    return PublicTracking(code=code, dossier_id=dossier_id, body=body, part=render_public_part(body))


def cache_keys(code: str) -> list[str]:
    return [*(key_of(code) for key_of, _read in FORMS.values()), owner_cache_key(code)]


_STORE_SQL = (
    "SELECT dossier_id, code, body, part FROM dossiers_publictracking WHERE dossier_id < %s "
    "ORDER BY dossier_id DESC LIMIT %s"
)


def store_published(batch: int = 1_000, progress=None) -> tuple[int, int]:
    """Keep the published answers, in both their forms, and their owners' sealed details (seal_owner) in Redis,
    where a lookup finds them in the round trip that counts the client: with Redis the tracking API, the page and
    the owner's lookup then read the database only for what Redis lost.

    Redis is made to agree with the published rows (cache.converge_many): a missing answer is put in, one still
    the same is kept STORED_SECONDS longer, one that differs is dropped, never overwritten (it may be newer than the
    row read here), and an answer whose row changed while it was being stored is dropped. The newest dossiers
    first, and no more once Redis is nine tenths full (its `maxmemory`): with too little memory for all, the
    dossiers received last, those most likely still followed, are kept before older ones. (rows gone through,
    answers put in); nothing without Redis; it stops when Redis is unreachable or refuses. `progress(done)` after
    every batch."""
    if not hasattr(cache, "converge_many"):
        return 0, 0
    done, stored, before = 0, 0, 2**62
    with translation.override(PUBLISHED_LANGUAGE):
        while rows := _store_batch(before, batch):
            answers, parts = {}, {}
            for dossier_id, code, body, part in rows:
                answers[tracking_cache_key(code)] = packed(body)
                parts[dossier_id] = (code, part if part.startswith(PART_MARK) else render_public_part(body))
                answers[tracking_part_cache_key(code)] = packed(parts[dossier_id][1])
            answers |= sealed_owners(parts)
            put = cache.converge_many(answers, STORED_SECONDS)
            if put is None:  # Redis unreachable, or refusing (out of memory): the next hourly run tries again
                return done, stored
            stored += put
            _drop_changed({code: body for _id, code, body, _part in rows})
            done, before = done + len(rows), rows[-1][0]
            if progress:
                progress(done)
            if cache.nearly_full():
                break
    cache.set(STORED_MARK, done, STORED_MARK_SECONDS)
    return done, stored


def _store_batch(before: int, size: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(_STORE_SQL, [before, size])
        return cursor.fetchall()


def _drop_changed(read: dict[str, str]) -> None:
    """After storing answers read a moment ago: drop those whose row has changed or been withdrawn since (a change
    published meanwhile, or withdrawn and not yet published again). A change committed after this reading drops
    them itself when it is published."""
    now = dict(PublicTracking.objects.filter(code__in=list(read)).values_list("code", "body"))
    changed = [code for code, body in read.items() if now.get(code) != body]
    if changed:
        cache.delete_many([key for code in changed for key in cache_keys(code)])


def unpublished_dossiers():
    """The dossiers with no published answer: never published, or withdrawn by a change and not published since."""
    return Dossier.objects.exclude(Exists(PublicTracking.objects.filter(dossier_id=OuterRef("pk"))))


def publish_withdrawn() -> int:
    """Publish again the dossiers whose answer was withdrawn by a change and never published after it (the process
    died between the commit and the publishing, or publishing failed): the number published. One by one, each under
    its dossier's lock as a change publishes it (publish_many could collide with a change publishing the same
    dossier meanwhile): there are normally none or a few; a backlog after an upgrade is publish_tracking's work."""
    published = 0
    for dossier_id, code in unpublished_dossiers().values_list("pk", "code").iterator():
        publish(dossier_id, code)
        published += 1
    return published


def publish(dossier_id: int, code: str) -> None:
    """Render and store the public answer of a dossier (see PublicTracking) and put it in the cache, over whatever
    a reader cached from the old row while the change was being committed. All under the dossier's row lock: the
    next change waits for it (and drops the cache entry after), so two quick changes always end with the newest."""
    cache.delete_many(cache_keys(code))  # first: should publishing fail, readers use the tables
    with transaction.atomic(), translation.override(PUBLISHED_LANGUAGE):
        exists = Dossier.objects.select_for_update().filter(pk=dossier_id).exists()
        data = public_tracking_data(code) if exists else None
        if data is None:
            return
        row = _published(dossier_id, code, render_public_payload(data))
        PublicTracking.objects.update_or_create(
            code=code, defaults={"dossier_id": dossier_id, "body": row.body, "part": row.part}
        )
        sealed = sealed_owners({dossier_id: (code, row.part)}) if owners_in_cache() else {}
        cache.set_many({tracking_cache_key(code): packed(row.body), tracking_part_cache_key(code): packed(row.part),
                        **sealed}, STORED_SECONDS)  # fmt: skip
