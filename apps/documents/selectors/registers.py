"""Reads on the registers, scoped to what the reader may see.

Who keeps a register (Decree 30/2020, art. 6 and 19: the clerical office of the agency): a clerical officer keeps
the registers of their own unit, of the units below it and of the unit their office serves (the office of a
people's committee keeps the committee's registers); a unit leader directs the registers of their unit and the
units below it within the same agency (leads_within_agency). Anyone who sees a unit (apps.org scope) reads its
registers, except secret documents (mật, tối mật, tuyệt mật), which only the register's keepers (its clerical
officers and leaders) see."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.documents.models import NOT_SECRET, DocumentFile, IncomingDocument, OutgoingDocument
from apps.org import selectors as org
from apps.org.models import Role, Unit

# The office of a people's committee ("Văn phòng UBND", "Văn phòng HĐND và UBND") carries this symbol; its clerks
# keep the committee's registers. A department's clerks keep only their department's.
COMMITTEE_OFFICE_SYMBOL = "VP"


def committee_offices_q(user) -> Q:
    """The people's committees whose office the user sits in (as a filter on Unit): their clerks keep its registers."""
    offices = org.active_memberships(user).filter(
        unit__symbol=COMMITTEE_OFFICE_SYMBOL, unit__parent__kind=Unit.Kind.PEOPLES_COMMITTEE
    )
    return Q(pk__in=offices.values("unit__parent"))


def _is_clerk_of(user, unit: Unit) -> bool:
    if not org.user_has_role(user, Role.CLERICAL_OFFICER):
        return False
    if org.can_see_unit(user, unit):
        return True
    return (
        unit.kind == Unit.Kind.PEOPLES_COMMITTEE and Unit.objects.filter(committee_offices_q(user), pk=unit.pk).exists()
    )


def agency_path_ids(unit: Unit) -> list[int]:
    """The unit and the units above it up to its agency: the nearest of them (itself included) with an agency code,
    i.e. its own seal, registers and exchange identity (a people's committee, a department, the service centre)."""
    codes = dict(Unit.objects.filter(pk__in=unit.ancestor_ids).values_list("pk", "agency_code"))
    path = []
    for pk in reversed(unit.ancestor_ids):
        path.append(pk)
        if codes.get(pk):
            break
    return path


def leads_within_agency(user, unit: Unit) -> bool:
    """A leader of the unit or of a unit above it within the same agency. Leadership does not cross into another
    agency: the provincial chairman neither signs, keeps nor directs a department's or a commune's documents, each
    of which is an agency with its own leaders and clerks (Decree 30/2020, art. 13-14 and 24)."""
    if user is None or not user.is_authenticated or not org.user_has_role(user, Role.UNIT_LEADER):
        return False
    return org.active_memberships(user).filter(unit_id__in=agency_path_ids(unit)).exists()


def led_units_q(user, prefix: str = "unit__") -> Q:
    """The units a leader leads within their agencies, as a filter on the unit reached by `prefix` ("" on Unit
    itself): below each unit they lead, except the agencies of their own further down (and what is under those).
    Q(pk__in=[]) when they lead none."""
    led = list(org.active_memberships(user).values_list("unit__path", "unit_id"))
    if not led or not org.user_has_role(user, Role.UNIT_LEADER):
        return Q(pk__in=[])
    inside, beneath = Q(), Q()
    for path, _pk in led:
        inside |= Q(**{f"{prefix}path__startswith": path})
        beneath |= Q(path__startswith=path)
    other_agencies = (
        Unit.objects.filter(beneath, agency_code__isnull=False)
        .exclude(agency_code="")
        .exclude(pk__in=[pk for _path, pk in led])
        .values_list("path", flat=True)
    )
    for path in other_agencies:
        inside &= ~Q(**{f"{prefix}path__startswith": path})
    return inside


def can_keep_register(user, unit: Unit) -> bool:
    """May draft, release and register documents in this unit's registers."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or _is_clerk_of(user, unit) or leads_within_agency(user, unit)


def can_read_register(user, unit: Unit) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return can_keep_register(user, unit) or org.can_see_unit(user, unit)


def can_see_secret(user, unit: Unit) -> bool:
    """Secret documents: the register's clerical officers and the unit's leaders only."""
    return can_keep_register(user, unit)


def register_units(user) -> list[Unit]:
    """The units whose registers the user reads, those they keep first (a clerk's committee before their office)."""
    if user is None or not user.is_authenticated:
        return []
    memberships = list(org.active_memberships(user).select_related("unit__parent"))
    units: list[Unit] = []
    if org.user_has_role(user, Role.CLERICAL_OFFICER):
        units += [
            m.unit.parent
            for m in memberships
            if m.unit.parent is not None
            and m.unit.parent.kind == Unit.Kind.PEOPLES_COMMITTEE
            and m.unit.symbol == COMMITTEE_OFFICE_SYMBOL
        ]
    units += [m.unit for m in memberships]
    seen, ordered = set(), []
    for unit in units:
        if unit.pk not in seen and can_read_register(user, unit):
            seen.add(unit.pk)
            ordered.append(unit)
    return ordered


def outgoing_register(user, unit: Unit, year: int) -> QuerySet[OutgoingDocument]:
    """Released (and sent) outgoing documents of the unit and year in register order (the secret series
    after the other)."""
    if not can_read_register(user, unit):
        return OutgoingDocument.objects.none()
    documents = OutgoingDocument.objects.filter(
        unit=unit, year=year, status__in=[OutgoingDocument.Status.RELEASED, OutgoingDocument.Status.SENT]
    )
    if not can_see_secret(user, unit):
        documents = documents.filter(NOT_SECRET)
    return documents.select_related("drafting_unit", "unit").order_by("secret_series", "number")


def outgoing_drafts(user, unit: Unit) -> QuerySet[OutgoingDocument]:
    """Documents not yet released: drafts, under review, signed; `has_files` tells a paper draft (no file)."""
    if not can_read_register(user, unit):
        return OutgoingDocument.objects.none()
    S = OutgoingDocument.Status
    documents = OutgoingDocument.objects.filter(unit=unit, status__in=[S.DRAFT, S.REVIEW, S.SIGNED])
    if not can_see_secret(user, unit):
        documents = documents.filter(NOT_SECRET)
    has_files = Exists(DocumentFile.objects.filter(outgoing=OuterRef("pk")))
    return (
        documents.select_related("drafting_unit", "unit").annotate(has_files=has_files).order_by("-created_at", "-pk")
    )


def incoming_register(user, unit: Unit, year: int) -> QuerySet[IncomingDocument]:
    if not can_read_register(user, unit):
        return IncomingDocument.objects.none()
    documents = IncomingDocument.objects.filter(unit=unit, year=year)
    if not can_see_secret(user, unit):
        documents = documents.filter(NOT_SECRET)
    return documents.select_related("unit").order_by("number")


def outgoing_document(user, pk: int) -> OutgoingDocument | None:
    """One outgoing document if the user may see it (else None, as if it did not exist)."""
    document = OutgoingDocument.objects.select_related("unit", "drafting_unit").filter(pk=pk).first()
    if document is None or not can_read_register(user, document.unit):
        return None
    if document.is_secret and not can_see_secret(user, document.unit):
        return None
    return document


def earlier_registrations(unit: Unit, duplicate_key: str) -> QuerySet[IncomingDocument]:
    return IncomingDocument.objects.filter(unit=unit, duplicate_key=duplicate_key).order_by("received_at", "pk")
