import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from apps.documents import selectors, services
from apps.documents.tests.factories import draft, register_incoming, world
from apps.org.models import Role
from apps.org.tests.factories import staff_in

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 5, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def released(w, **kwargs):
    return services.outgoing_release(actor=w.clerk, document=draft(w, **kwargs), now=NOW)


def test_registers_are_scoped_to_the_unit():
    w = world()
    document = released(w)
    incoming, _ = register_incoming(w, now=NOW)
    assert list(selectors.outgoing_register(w.clerk, w.commune, 2026)) == [document]
    assert list(selectors.incoming_register(w.chairman, w.commune, 2026)) == [incoming]
    assert not selectors.outgoing_register(w.other_clerk, w.commune, 2026).exists()
    assert not selectors.incoming_register(w.other_clerk, w.commune, 2026).exists()
    assert selectors.outgoing_document(w.other_clerk, document.pk) is None
    assert not selectors.outgoing_register(w.clerk, w.commune, 2025).exists()  # another year's register


def test_secret_documents_are_seen_by_the_clerk_and_the_leaders_only():
    w = world()
    plain = released(w)
    secret = released(w, confidentiality="top_secret")
    incoming_secret, _ = register_incoming(w, now=NOW, confidentiality="secret")
    province_leader = staff_in(w.province, Role.UNIT_LEADER, username="chutich.tinh")
    for keeper in (w.clerk, w.chairman):
        assert set(selectors.outgoing_register(keeper, w.commune, 2026)) == {plain, secret}
        assert selectors.outgoing_document(keeper, secret.pk) == secret
        assert list(selectors.incoming_register(keeper, w.commune, 2026)) == [incoming_secret]
    # a plain officer of the committee, and the province's chairman (the commune is an agency of its own), read its
    # registers but not the secret documents
    for reader in (w.officer, province_leader):
        assert list(selectors.outgoing_register(reader, w.commune, 2026)) == [plain]
        assert selectors.outgoing_document(reader, secret.pk) is None
        assert not selectors.incoming_register(reader, w.commune, 2026).exists()


def test_leadership_stays_within_the_leaders_agency():
    w = world()
    province_leader = staff_in(w.province, Role.UNIT_LEADER, username="chutich.tinh")
    assert selectors.leads_within_agency(w.chairman, w.commune)
    assert selectors.leads_within_agency(w.chairman, w.culture)  # a division of the commune: the same agency
    assert not selectors.leads_within_agency(province_leader, w.commune)  # another agency (its own agency code)
    assert not selectors.leads_within_agency(w.chairman, w.other_commune)
    assert selectors.leads_within_agency(province_leader, w.province)
    assert not selectors.can_keep_register(province_leader, w.commune)


def test_a_clerk_keeps_the_register_of_the_committee_their_office_serves():
    w = world()
    assert [u.pk for u in selectors.register_units(w.clerk)][:2] == [w.commune.pk, w.office.pk]
    assert selectors.can_keep_register(w.clerk, w.commune)
    assert not selectors.can_keep_register(w.clerk, w.province)  # not the level above that
    assert not selectors.can_keep_register(w.other_clerk, w.commune)
    assert not selectors.can_keep_register(w.officer, w.commune)
    assert selectors.register_units(w.officer) == [w.commune]


def test_a_division_clerk_keeps_only_their_division_not_the_committee_above():
    w = world()
    division_clerk = staff_in(w.culture, Role.CLERICAL_OFFICER, username="vanthu.vhxh")
    assert selectors.can_keep_register(division_clerk, w.culture)
    assert not selectors.can_keep_register(division_clerk, w.commune)  # only the committee's office keeps that
    assert w.commune.pk not in [u.pk for u in selectors.register_units(division_clerk)]


def test_register_reads_take_a_fixed_number_of_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = world()

    def queries_to_read() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = [(d.symbol, d.drafting_unit.name, d.unit.name)
                    for d in selectors.outgoing_register(w.clerk, w.commune, 2026)]  # fmt: skip
        return len(captured), len(rows)

    released(w, drafting_unit=w.office)
    one, _rows = queries_to_read()
    for _ in range(19):
        released(w, drafting_unit=w.office)
    assert queries_to_read() == (one, 20)  # twenty rows cost what one costs


def test_a_provincial_leader_does_not_direct_or_sign_a_communes_documents():
    from apps.documents.selectors import handling, outgoing

    w = world()
    province_leader = staff_in(w.province, Role.UNIT_LEADER, username="chutich.tinh")
    incoming, _ = register_incoming(w, now=NOW)
    assert list(handling.awaiting_direction(w.chairman)) == [incoming]
    assert not handling.awaiting_direction(province_leader).exists()
    assert not handling.can_direct(province_leader, incoming)
    assert not outgoing.is_signing_leader(province_leader, draft(w))
    assert outgoing.is_signing_leader(w.chairman, draft(w))


def test_the_outgoing_register_lists_the_ordinary_series_then_the_one_secret_series_in_number_order():
    w = world()
    levels = ["top_secret", "normal", "absolute_secret", "secret", "normal"]
    for level in levels:
        released(w, confidentiality=level)
    rows = [(d.confidentiality, d.number) for d in selectors.outgoing_register(w.clerk, w.commune, 2026)]
    # Decree 30/2020: secret documents (mật, tối mật, tuyệt mật) are numbered in one series of their own
    assert rows == [("normal", 1), ("normal", 2), ("top_secret", 1), ("absolute_secret", 2), ("secret", 3)]
