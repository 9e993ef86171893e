"""The online form's papers: one slot per required paper, and a short-lived holding area for the files already
sent while another field is wrong.

Why a holding area: a browser never fills a file input again (the page cannot set its value), so re-validating and
re-rendering the form would ask the citizen to choose every file again. Each file that passes the checks (type by
content, size) is kept server-side, under a generated name in the file storage's `holding/` folder, and the
session remembers which slot it fills. The next submission uses it unless the citizen picks another file or drops
it; a successful submission stores the files with the dossier and empties the holding. Held files live at most
`HOLD_SECONDS`; older ones are deleted (the session's entries and, on each submission, stale files of abandoned
sessions)."""

import datetime as dt
import uuid

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.files import EXTENSIONS, MAX_BYTES, check_upload, display_name
from apps.dossiers.forms import ApplicantForm

HOLD_SECONDS = 3600
HOLDING = "holding"
SESSION_KEY = "held_papers"


class OnlineForm(ApplicantForm):
    """The applicant's fields, each required one marked for assistive technology too (`aria-required`); after
    validation, each field in error points at its message (`aria-invalid`, `aria-describedby`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.required:
                field.widget.attrs["aria-required"] = "true"

    def mark_errors(self) -> None:
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs |= {"aria-invalid": "true", "aria-describedby": f"{name}-error"}


def _entries(request, procedure_code: str) -> dict:
    return request.session.get(SESSION_KEY, {}).get(procedure_code, {})


def _save_entries(request, procedure_code: str, entries: dict) -> None:
    held = request.session.get(SESSION_KEY, {})
    if entries:
        held[procedure_code] = entries
    else:
        held.pop(procedure_code, None)
    request.session[SESSION_KEY] = held


def _fresh(entry: dict, now: dt.datetime) -> bool:
    return now.timestamp() - entry["at"] < HOLD_SECONDS and default_storage.exists(entry["path"])


def hold(request, procedure_code: str, paper_id: int, uploaded, *, now: dt.datetime | None = None) -> dict:
    """Check the file (type by content, size) and keep it for the slot; raises DomainError for the slot."""
    now = now or timezone.now()
    info = check_upload(uploaded)
    path = default_storage.save(f"{HOLDING}/{uuid.uuid4().hex}.{EXTENSIONS[info.content_type]}", uploaded)
    drop(request, procedure_code, paper_id)
    entries = _entries(request, procedure_code)
    entries[str(paper_id)] = {"path": path, "name": display_name(uploaded.name), "size": info.size,
                              "at": now.timestamp()}  # fmt: skip
    _save_entries(request, procedure_code, entries)
    return entries[str(paper_id)]


def drop(request, procedure_code: str, paper_id: int) -> None:
    entries = _entries(request, procedure_code)
    entry = entries.pop(str(paper_id), None)
    if entry is not None:
        default_storage.delete(entry["path"])
        _save_entries(request, procedure_code, entries)


def held(request, procedure_code: str, *, now: dt.datetime | None = None) -> dict[int, dict]:
    """The slots' held files that are still valid (expired ones are forgotten and deleted)."""
    now = now or timezone.now()
    entries = _entries(request, procedure_code)
    fresh = {key: entry for key, entry in entries.items() if _fresh(entry, now)}
    for key in entries.keys() - fresh.keys():
        default_storage.delete(entries[key]["path"])
    if fresh != entries:
        _save_entries(request, procedure_code, fresh)
    return {int(key): entry for key, entry in fresh.items()}


def _opened(entry: dict) -> File:
    """A held file opened for the service as an upload would be (name, size, chunks, seek)."""
    opened = File(default_storage.open(entry["path"], "rb"), name=entry["name"])
    opened.size = entry["size"]
    return opened


def files_for_submission(request, procedure_code: str) -> dict[int, File]:
    return {paper_id: _opened(entry) for paper_id, entry in held(request, procedure_code).items()}


def release(request, procedure_code: str) -> None:
    """After a successful submission: the files are the dossier's now; the holding copies go."""
    for entry in _entries(request, procedure_code).values():
        default_storage.delete(entry["path"])
    _save_entries(request, procedure_code, {})


def purge_stale(*, now: dt.datetime | None = None) -> int:
    """Delete held files older than `HOLD_SECONDS` (abandoned forms); returns how many."""
    now = now or timezone.now()
    try:
        _dirs, names = default_storage.listdir(HOLDING)
    except (FileNotFoundError, NotImplementedError):
        return 0
    removed = 0
    for name in names:
        path = f"{HOLDING}/{name}"
        try:
            modified = default_storage.get_modified_time(path)
        except (FileNotFoundError, NotImplementedError):
            continue
        if (now - modified).total_seconds() >= HOLD_SECONDS:
            default_storage.delete(path)
            removed += 1
    return removed


def take_slots(request, procedure, *, now: dt.datetime | None = None) -> dict[int, str]:
    """Hold each slot's new file, drop the ones the citizen removed; returns the slots' errors by paper id."""
    errors = {}
    for paper in procedure.papers.all():
        if request.POST.get(f"drop-paper-{paper.pk}"):
            drop(request, procedure.code, paper.pk)
        uploaded = request.FILES.get(f"paper-{paper.pk}")
        if uploaded is not None:
            try:
                hold(request, procedure.code, paper.pk, uploaded, now=now)
            except DomainError as error:
                errors[paper.pk] = error.message
    return errors


def slots(procedure, held_files: dict[int, dict], errors: dict[int, str]) -> list[dict]:
    return [
        {"paper": paper, "id": f"paper-{paper.pk}", "held": held_files.get(paper.pk), "error": errors.get(paper.pk),
         "required": not paper.optional}
        for paper in procedure.papers.all()
    ]  # fmt: skip


def size_message() -> str:
    return _("Tệp quá lớn: tối đa %(mb)d MB mỗi tệp. Hãy chọn tệp nhỏ hơn.") % {"mb": MAX_BYTES // (1024 * 1024)}
