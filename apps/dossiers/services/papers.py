"""Digitised papers (Decree 45/2020/NĐ-CP on procedures in the electronic environment; Decree 107/2021 amending
Decree 61/2018: papers are digitised at receipt): each required paper of a dossier has its own slot, filled by a
scan or an upload, or by reference to the same person's earlier digitised copy of the same paper (no copy of the
file: the slot points at the earlier file, and the audit log says whose it was).

- online: the citizen's file in a slot is the paper's electronic copy, digitised at submission;
- at the desk: the clerk scans or uploads into each slot while receiving (walk-in, or an online dossier);
- reuse: earlier digitised papers of the same applicant (same ID number) with the same paper name, anywhere in the
  province (dossiers are received regardless of administrative boundary); the clerk sees only the paper's name,
  kind and date, never the earlier dossier's details, and can open the file once it is attached.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.actors import CITIZEN, is_staff_user
from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.files import check_upload, check_upload_set, display_name
from apps.core.projections import projected
from apps.core.text import fold
from apps.dossiers import tracking
from apps.dossiers.models import Attachment, Dossier, DossierPaper
from apps.dossiers.services.common import lock_dossier, require_desk
from apps.procedures.models import Procedure

S = Dossier.Status
DIGITISABLE = frozenset({S.SUBMITTED, S.NEEDS_COMPLETION, S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED})


def slot_name(paper_id: int) -> str:
    """The form field of a paper's slot (online form, receive pages); errors on a slot carry this field name."""
    return f"paper-{paper_id}"


def _papers(dossier: Dossier) -> dict[int, DossierPaper]:
    return {paper.pk: paper for paper in dossier.papers.select_related("required_paper")}


def _store(dossier: Dossier, paper: DossierPaper, uploaded, now: dt.datetime) -> Attachment:
    """The file into the paper's slot: checked by content and size, stored under a generated name."""
    try:
        info = check_upload(uploaded)
    except DomainError as error:
        raise DomainError(error.message, field=slot_name(paper.required_paper_id or paper.pk)) from error
    stored = Attachment.objects.create(
        dossier=dossier, paper=paper, purpose=Attachment.Purpose.SUBMISSION, file=uploaded,
        original_name=display_name(uploaded.name), content_type=info.content_type, size=info.size, sha256=info.sha256,
    )  # fmt: skip
    paper.digitised_at, paper.digitised_file, paper.reused_from, paper.provided = now, stored, None, True
    paper.save(update_fields=["digitised_at", "digitised_file", "reused_from", "provided"])
    return stored


def _touch(dossier: Dossier) -> None:
    """The dossier changed: its public answer is published again (its figures are recounted by @projected)."""
    tracking.republish(dossier)
    dossier.save(update_fields=["updated_at"])


def _check_digitisable(actor, dossier: Dossier) -> None:
    if dossier.status not in DIGITISABLE:
        raise ConflictError(
            _("Hồ sơ %(code)s đang ở trạng thái “%(status)s”, không số hóa thêm giấy tờ.")
            % {"code": dossier.code, "status": dossier.get_status_display()}
        )
    if not is_staff_user(actor):
        raise PermissionDeniedError(_("Chỉ cán bộ Bộ phận Một cửa số hóa giấy tờ của hồ sơ."))
    require_desk(actor, dossier)


def digitise(dossier: Dossier, actor, now: dt.datetime, *, files: dict | None = None, reuse: dict | None = None):
    """Inside a receipt's transaction (the dossier already locked): each slot's file, each reused earlier copy.
    `files` maps a required paper's id to an uploaded file, `reuse` a required paper's id to an earlier
    DossierPaper's id. Returns the papers digitised now."""
    files, reuse = files or {}, reuse or {}
    if not files and not reuse:
        return []
    by_required = {paper.required_paper_id: paper for paper in _papers(dossier).values() if paper.required_paper_id}
    unknown = (set(files) | set(reuse)) - set(by_required)
    if unknown:
        raise DomainError(_("Giấy tờ không thuộc thủ tục của hồ sơ."), field="papers")
    check_upload_set(list(files.values()))
    done = []
    for required_id, uploaded in files.items():
        paper = by_required[required_id]
        stored = _store(dossier, paper, uploaded, now)
        record_event(
            "dossiers.paper_digitise", actor=actor, obj=dossier, unit=dossier.desk,
            changes={"paper": paper.name, "file": stored.original_name, "sha256": stored.sha256},
        )  # fmt: skip
        done.append(paper)
    for required_id, source_id in reuse.items():
        if required_id in files:
            continue  # a new scan wins over an earlier copy
        done.append(_reuse(dossier, by_required[required_id], source_id, actor, now))
    return done


def _reuse(dossier: Dossier, paper: DossierPaper, source_id, actor, now: dt.datetime) -> DossierPaper:
    source = reusable_papers(dossier, paper=paper).filter(pk=source_id).select_related("digitised_file").first()
    if source is None:
        raise DomainError(
            _("Không dùng lại được bản số hóa này cho “%(paper)s”: chỉ dùng lại giấy tờ cùng tên đã số hóa của "
              "chính người nộp (cùng số định danh).") % {"paper": paper.name},
            field=slot_name(paper.required_paper_id or paper.pk),
        )  # fmt: skip
    paper.digitised_at, paper.digitised_file, paper.reused_from, paper.provided = (
        now,
        source.digitised_file,
        source,
        True,
    )
    paper.save(update_fields=["digitised_at", "digitised_file", "reused_from", "provided"])
    record_event(
        "dossiers.paper_reuse", actor=actor, obj=dossier, unit=dossier.desk,
        changes={"paper": paper.name, "from_dossier": source.dossier.code, "file": source.digitised_file.sha256},
    )  # fmt: skip
    return paper


def _earlier_digitised(id_number: str, exclude_dossier_id: int | None):
    earlier = DossierPaper.objects.filter(
        dossier__applicant_id_number=id_number, digitised_at__isnull=False, digitised_file__isnull=False
    )
    if exclude_dossier_id is not None:
        earlier = earlier.exclude(dossier_id=exclude_dossier_id)
    return earlier.select_related("dossier", "digitised_file").order_by("-digitised_at")


def _same_paper(earlier: DossierPaper, paper: DossierPaper) -> bool:
    """The same catalogue entry, or the same name whatever the accents and case (another procedure's paper)."""
    same_entry = paper.required_paper_id is not None and earlier.required_paper_id == paper.required_paper_id
    return same_entry or fold(earlier.name) == fold(paper.name)


def reusable_papers(dossier: Dossier, *, paper: DossierPaper | None = None):
    """Earlier digitised papers of the same person (same ID number) in other dossiers, newest first; with `paper`,
    only copies of that same paper."""
    earlier = _earlier_digitised(dossier.applicant_id_number, dossier.pk)
    if paper is None:
        return earlier
    return earlier.filter(pk__in=[e.pk for e in earlier[:500] if _same_paper(e, paper)])


def _offers(id_number: str, papers, exclude_dossier_id: int | None) -> dict[int, list[DossierPaper]]:
    earlier = list(_earlier_digitised(id_number, exclude_dossier_id)[:200]) if id_number else []
    offers = {}
    for paper in papers:
        matches = [e for e in earlier if _same_paper(e, paper)]
        if matches and paper.required_paper_id:
            offers[paper.required_paper_id] = matches[:5]
    return offers


def reuse_offers(dossier: Dossier) -> dict[int, list[DossierPaper]]:
    """For the receive pages: per required paper id, the person's earlier digitised copies the clerk may attach."""
    return _offers(dossier.applicant_id_number, list(dossier.papers.all()), dossier.pk)


def reuse_offers_for_person(procedure: Procedure, id_number: str) -> dict[int, list[DossierPaper]]:
    """Before the dossier exists (walk-in): the same, for the procedure's papers and the ID number typed in."""
    papers = [DossierPaper(required_paper_id=p.pk, name=p.name, form=p.form) for p in procedure.papers.all()]
    return _offers("".join((id_number or "").split()), papers, None)


@projected("dossier", "dossier")
@transaction.atomic
def paper_digitise(*, actor, dossier: Dossier, paper_id: int, file, now: dt.datetime | None = None) -> DossierPaper:
    """The desk scans or uploads one paper into its slot (at receipt or later while the dossier is open)."""
    now = now or timezone.now()
    dossier = lock_dossier(dossier)
    _check_digitisable(actor, dossier)
    papers = digitise(dossier, actor, now, files={paper_id: file})
    _touch(dossier)
    return papers[0]


@projected("dossier", "dossier")
@transaction.atomic
def paper_reuse(*, actor, dossier: Dossier, paper_id: int, source_id: int, now: dt.datetime | None = None):
    """The desk attaches the person's earlier digitised copy of the same paper, by reference."""
    now = now or timezone.now()
    dossier = lock_dossier(dossier)
    _check_digitisable(actor, dossier)
    papers = digitise(dossier, actor, now, reuse={paper_id: source_id})
    _touch(dossier)
    return papers[0]


def _provided(dossier: Dossier, provided_paper_ids, files: dict, reuse: dict) -> list[int]:
    """What the desk ticked, plus every slot filled now or already digitised (online): a digitised paper is there."""
    already = dossier.papers.filter(digitised_at__isnull=False, required_paper__isnull=False)
    return sorted({*(provided_paper_ids or ()), *files, *reuse, *already.values_list("required_paper_id", flat=True)})


@projected("dossier", "dossier")
@transaction.atomic
def dossier_receive_walk_in_digitised(
    *, actor, files: dict | None = None, reuse: dict | None = None, hand_over: bool = False, **receipt
):
    """`dossier_receive_walk_in` with the papers' slots: the dossier, its receipt and its digitised papers commit
    together or not at all; with `hand_over`, the desk's own first step is done at once and the dossier goes on to
    the handling unit in the same transaction (receipt in one action)."""
    from apps.dossiers.services.receipt import dossier_receive_walk_in

    files, reuse = files or {}, reuse or {}
    now = receipt.pop("now", None) or timezone.now()
    receipt["provided_paper_ids"] = sorted({*(receipt.get("provided_paper_ids") or ()), *files, *reuse})
    dossier = dossier_receive_walk_in(actor=actor, now=now, **receipt)
    if digitise(dossier, actor, now, files=files, reuse=reuse):
        _touch(dossier)
    if hand_over:
        from apps.dossiers.services.transitions import dossier_forward

        dossier = dossier_forward(actor=actor, dossier=dossier, note=_("Tiếp nhận, chuyển xử lý"), now=now)
    return dossier


@projected("dossier", "dossier")
@transaction.atomic
def dossier_receive_digitised(
    *, actor, dossier: Dossier, provided_paper_ids=None, files: dict | None = None, reuse: dict | None = None,
    now: dt.datetime | None = None,
) -> Dossier:  # fmt: skip
    """The desk receives an online dossier: papers already digitised by the citizen count as provided; the clerk
    scans or reuses what is still missing in the same action."""
    from apps.dossiers.services.transitions import dossier_receive

    files, reuse = files or {}, reuse or {}
    now = now or timezone.now()
    provided = _provided(dossier, provided_paper_ids, files, reuse) if provided_paper_ids is not None else None
    dossier = dossier_receive(actor=actor, dossier=dossier, provided_paper_ids=provided, now=now)
    if digitise(dossier, actor, now, files=files, reuse=reuse):
        _touch(dossier)
    return dossier


def missing_online_papers(procedure: Procedure, files: dict) -> list:
    """A full-online procedure's required papers with no file in their slot (Decree 42/2022: everything online)."""
    if procedure.online_level != Procedure.OnlineLevel.FULL:
        return []
    return [paper for paper in procedure.papers.all() if not paper.optional and paper.pk not in files]


@projected("dossier", "dossier")
@transaction.atomic
def dossier_submit_online_with_papers(*, procedure: Procedure, files: dict | None = None, now=None, **submission):
    """The online form: a file per paper slot (`files` maps a required paper's id to its file), digitised at
    submission; a full-online procedure's dossier is refused without its required papers (on the first missing
    slot). Extra files without a slot go through `files_extra`."""
    from apps.dossiers.services.receipt import dossier_submit_online

    files = files or {}
    now = now or timezone.now()
    missing = missing_online_papers(procedure, files)
    if missing:
        raise DomainError(
            _("Thủ tục trực tuyến toàn trình: hãy đính kèm “%(paper)s”.") % {"paper": missing[0].name},
            field=slot_name(missing[0].pk),
        )
    extra = submission.pop("files_extra", ())
    dossier = dossier_submit_online(procedure=procedure, files=extra, now=now, **submission)
    if digitise(dossier, CITIZEN, now, files=files):
        _touch(dossier)
    return dossier
