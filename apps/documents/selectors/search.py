"""Search over both registers, scoped in SQL to what the reader may see: the units whose registers they read
(selectors.registers.can_read_register: the units they see, and those they keep), secret documents only in the
units whose registers they keep (can_see_secret). Accent-insensitive: the query is folded like the index
(apps.core.text.fold, NFC or NFD alike), newest registered first, at most MAX_RESULTS reachable (pages of PAGE_SIZE)."""

import re
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.core.text import fold
from apps.documents.models import Confidentiality, SearchEntry
from apps.documents.search_sql import FTS_TABLE, token
from apps.documents.selectors import registers
from apps.org import selectors as org
from apps.org.models import Role, Unit

PAGE_SIZE = 20
MAX_RESULTS = 200  # counted up to this (10 pages); past it the page says "200 or more" and asks for a narrower search
MAX_TERMS = 12
SCOPE_UNITS_IN_TSQUERY = 12  # PostgreSQL: a scope of at most this many units is matched in the GIN index
COMMON_MATCHES = 5000  # PostgreSQL: this many matches or more → read newest first (see _read_newest_first)
SNIPPET_CHARS = 180
_WORD = re.compile(r"\w+")


@dataclass
class SearchResults:
    entries: list = field(default_factory=list)
    total: int = 0  # capped at MAX_RESULTS
    page: int = 1
    terms: list[str] = field(default_factory=list)

    @property
    def more_than_shown(self) -> bool:
        return self.total >= MAX_RESULTS

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def query_terms(query: str | None) -> list[str]:
    """The folded words of the search box ("Quyết định 05/QĐ-UBND" → quyet, dinh, 05, qd, ubnd)."""
    return list(dict.fromkeys(_WORD.findall(fold(query))))[:MAX_TERMS]


def _kept_units_q(user) -> Q:
    """The units whose registers the user keeps (selectors.registers.can_keep_register), as a Q over Unit."""
    kept = Q(pk__in=[])
    if org.user_has_role(user, Role.CLERICAL_OFFICER):
        kept |= Q(pk__in=org.units_visible_to(user).values("pk")) | registers.committee_offices_q(user)
    if org.user_has_role(user, Role.UNIT_LEADER):
        kept |= registers.led_units_q(user, prefix="")
    return kept


@dataclass
class Scope:
    """The units whose registers the reader reads, and those whose secret documents they see (they keep them)."""

    everything: bool = False
    readable: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)

    def q(self) -> Q:
        if self.everything:
            return Q()
        plain = Q(confidentiality=Confidentiality.NORMAL)
        return Q(unit_id__in=self.readable) & (plain | Q(unit_id__in=self.kept) if self.kept else plain)

    def names_at_most(self, units: int) -> bool:
        return self.everything or (len(self.readable) <= units and len(self.kept) <= units)

    def clauses(self, any_of, *, most_units: int | None = None) -> list[str]:
        """The scope as full-text clauses (unit words, confidentiality words); `any_of` joins alternatives. With
        `most_units`, a clause naming more units is left to SQL (PostgreSQL: a union of many units' postings in the
        GIN index costs more than it saves; the narrow scopes of a commune's clerks are where it helps)."""
        if self.everything:
            return []
        clauses = []
        if most_units is None or len(self.readable) <= most_units:
            clauses.append(any_of([token("u", pk) for pk in self.readable]))
        if set(self.kept) != set(self.readable) and (most_units is None or len(self.kept) <= most_units):
            clauses.append(any_of([token("c", Confidentiality.NORMAL)] + [token("u", pk) for pk in self.kept]))
        return clauses


def reader_scope(user) -> Scope | None:
    """None when the user may read nothing. Two queries (the units), whatever the documents."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Scope(everything=True)
    kept = set(Unit.objects.filter(_kept_units_q(user)).values_list("pk", flat=True))
    readable = kept | set(org.units_visible_to(user).values_list("pk", flat=True))
    if not readable:
        return None
    if len(kept) == Unit.objects.count():  # every register, secret documents too (a province's chairman)
        return Scope(everything=True)
    return Scope(readable=sorted(readable), kept=sorted(kept))


def _text_query(terms: list[str], scope: Scope, filters: dict, *, postgresql: bool) -> str:
    """Words, filters and scope as one full-text query: FTS5 syntax on SQLite, tsquery on PostgreSQL."""
    if postgresql:
        words, and_, any_of = terms, " & ", lambda alternatives: "(" + " | ".join(alternatives) + ")"
    else:
        words, and_ = [f'"{term}"' for term in terms], " AND "
        any_of = lambda alternatives: "(" + " OR ".join(alternatives) + ")"  # noqa: E731
    filter_words = [token(FTS_FIELDS[name], value) for name, value in filters.items()]
    # SQLite's query is capped: it must hold every condition; PostgreSQL's is not, SQL keeps the wide scopes
    scope_clauses = scope.clauses(any_of, most_units=SCOPE_UNITS_IN_TSQUERY if postgresql else None)
    return and_.join(words + filter_words + scope_clauses)


def _match(entries: QuerySet, text_query: str, *, capped: bool) -> QuerySet:
    if connection.vendor == "postgresql":
        return entries.extra(
            where=["documents_searchentry.search_vector @@ to_tsquery('congvu_vi', %s)"], params=[text_query]
        )
    # SQLite: read newest first and capped when every condition is in the FTS query (they stay in SQL around it)
    limit = f" ORDER BY rowid DESC LIMIT {MAX_RESULTS}" if capped else ""
    return entries.extra(
        where=[f"documents_searchentry.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s{limit})"],
        params=[text_query],
    )


def _many_matches(text_query: str) -> bool:
    """PostgreSQL: are there COMMON_MATCHES matches or more (the scope and filters included)? Counted from the GIN
    index alone (nothing is read from the table's rows of a vacuumed table)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM documents_searchentry "
            "WHERE search_vector @@ to_tsquery('congvu_vi', %s) LIMIT %s) AS matches",
            [text_query, COMMON_MATCHES],
        )
        return cursor.fetchone()[0] >= COMMON_MATCHES


def _read_newest_first() -> None:
    """PostgreSQL, thousands of matches: read the entries newest first and stop at the cap (at most
    MAX_RESULTS × rows / COMMON_MATCHES rows read), rather than fetch every match the GIN index gives and sort them.
    The planner does not choose it alone: it multiplies the words' frequencies as if they were independent
    ("kế hoạch sử dụng đất", five common words of one phrase) and expects a few hundred matches where there are
    40,000. For the transaction only."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL jit = off")  # its costs look high: compiling would take longer than the scan


FTS_FIELDS = {"kind": "k", "year": "y", "doc_type": "t", "urgency": "g", "status": "s", "unit_id": "u"}


def _search(user, query: str, **conditions) -> tuple[QuerySet[SearchEntry], str | None]:
    """The entries and the full-text query built for them (None without words)."""
    issuer = conditions.pop("issuer", None)
    scope = reader_scope(user)
    if scope is None:
        return SearchEntry.objects.none(), None
    filters = {name: value for name, value in conditions.items() if value not in (None, "")}
    terms = query_terms(query)
    postgresql = connection.vendor == "postgresql"
    # PostgreSQL: a narrow scope is matched by the tsquery alone (the same condition on the row's own words);
    # repeated in SQL, the planner would read the unit's index through instead of the newest entries first
    scope_in_text = bool(terms) and postgresql and scope.names_at_most(SCOPE_UNITS_IN_TSQUERY)
    entries = (
        SearchEntry.objects.filter(**filters) if scope_in_text else SearchEntry.objects.filter(scope.q(), **filters)
    )
    if issuer:
        # the range lets the (issuer_key, year) index serve the prefix on both databases, whatever the collation
        # of LIKE; the folded keys are below U+FFFF
        prefix = fold(issuer)
        entries = entries.filter(
            issuer_key__gte=prefix, issuer_key__lt=f"{prefix}\uffff", issuer_key__startswith=prefix
        )
    text_query = None
    if terms:
        text_query = _text_query(terms, scope, filters, postgresql=postgresql)
        entries = _match(entries, text_query, capped=not issuer)
    return entries.order_by("-id"), text_query


def search_entries(user, query: str = "", *, register=None, year=None, doc_type=None, issuer=None, urgency=None,
                   status=None, unit=None) -> QuerySet[SearchEntry]:  # fmt: skip
    """The matching entries the user may see, newest registered first (unpaginated; on SQLite, with words, at most
    MAX_RESULTS of them)."""
    return _search(user, query, kind=register, year=year, doc_type=doc_type, urgency=urgency, status=status,
                   unit_id=getattr(unit, "pk", unit), issuer=issuer)[0]  # fmt: skip


def search_documents(user, query: str = "", *, register=None, year=None, doc_type=None, issuer=None, urgency=None,
                     status=None, unit=None, page: int = 1) -> SearchResults:  # fmt: skip
    """One page of results with a snippet each; a constant number of queries (units, [probe], count, page)."""
    entries, text_query = _search(user, query, kind=register, year=year, doc_type=doc_type, urgency=urgency,
                                  status=status, unit_id=getattr(unit, "pk", unit), issuer=issuer)  # fmt: skip
    terms = query_terms(query)
    newest_first = bool(text_query) and connection.vendor == "postgresql" and _many_matches(text_query)
    # a transaction only for PostgreSQL's SET LOCAL: on SQLite every transaction takes the write lock (IMMEDIATE)
    with transaction.atomic() if newest_first else nullcontext():
        if newest_first:
            _read_newest_first()
        total = entries[:MAX_RESULTS].count()
        results = SearchResults(total=total, terms=terms)
        results.page = min(max(1, page), results.pages)
        start = (results.page - 1) * PAGE_SIZE
        results.entries = list(entries.select_related("unit")[start : start + PAGE_SIZE])
    for entry in results.entries:
        entry.snippet = snippet(entry, terms)
    return results


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the position of the original character it came from."""
    folded, positions = [], []
    for index, character in enumerate(text):
        for piece in fold(character) if not character.isspace() else " ":
            folded.append(piece)
            positions.append(index)
    return "".join(folded), positions


def snippet(entry: SearchEntry, terms: list[str]) -> SafeString:
    """A passage of the document's text around the first match, the matched words in <mark>; the summary's start
    when the text has none."""
    text = entry.body[:20_000] if entry.body else ""
    folded, positions = _folded_with_positions(text)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\w*") if terms else None
    first = pattern.search(folded) if pattern else None
    if first is None:
        return escape(entry.body[:SNIPPET_CHARS] if entry.body else "")
    start = max(0, positions[first.start()] - SNIPPET_CHARS // 3)
    end = min(len(text), start + SNIPPET_CHARS)
    pieces, cursor = [], start
    for match in pattern.finditer(folded):
        begin, finish = positions[match.start()], positions[match.end() - 1] + 1
        if begin < start:
            continue
        if finish > end:
            break
        pieces += [escape(text[cursor:begin]), f"<mark>{escape(text[begin:finish])}</mark>"]
        cursor = finish
    pieces.append(escape(text[cursor:end]))
    prefix, suffix = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
    return mark_safe(prefix + "".join(pieces) + suffix)
