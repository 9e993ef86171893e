import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from apps.core import context
from apps.core.audit import record_event, verify_chain
from apps.core.db import install_append_only_guard, remove_append_only_guard
from apps.core.models import AuditChainHead, AuditEvent
from apps.org.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def _three_events():
    user = UserFactory()
    unit = UnitFactory(name="Xã Thử")
    return [record_event(f"test.action{n}", actor=user, obj=unit, unit=unit, changes={"n": n}) for n in range(3)]


def test_events_are_chained_in_order():
    events = _three_events()
    assert [e.seq for e in events] == [events[0].seq, events[0].seq + 1, events[0].seq + 2]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert list(verify_chain()) == []
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (events[2].seq, events[2].hash)


def test_event_records_actor_unit_object_ip_and_changes():
    user, unit = UserFactory(username="nguoi.lam"), UnitFactory(name="Phường Mẫu")
    token = context.set_current(context.RequestContext(ip="10.1.2.3"))
    try:
        event = record_event("org.unit.update", actor=user, obj=unit, unit=unit, changes={"name": ["A", "B"]})
    finally:
        context.reset(token)
    event.refresh_from_db()
    assert (event.actor_id, event.actor_label, event.unit_id) == (user.pk, "nguoi.lam", unit.pk)
    assert (event.object_type, event.object_id, event.object_label) == (
        "org.unit",
        str(unit.pk),
        "Phường Mẫu",
    )
    assert event.ip == "10.1.2.3" and event.changes == {"name": ["A", "B"]}


def test_event_rolls_back_with_the_callers_transaction():
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event("test.rolled_back")
        raise RuntimeError
    assert AuditEvent.objects.count() == before


def test_database_refuses_update_and_delete():
    event = _three_events()[0]
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.action == "test.action0"


def _tamper(sql: str, params: list):
    remove_append_only_guard(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    install_append_only_guard(connection)


def test_verify_finds_an_edited_row():
    events = _three_events()
    _tamper("UPDATE core_auditevent SET object_label = %s WHERE id = %s", ["sửa trộm", events[1].pk])
    problems = list(verify_chain())
    assert [(p.seq, p.kind) for p in problems] == [(events[1].seq, "edited")]


def test_verify_finds_a_deleted_row():
    events = _three_events()
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    kinds = {(p.seq, p.kind) for p in verify_chain()}
    assert (events[2].seq, "broken_link") in kinds and (events[2].seq, "gap") in kinds


def test_verify_finds_a_deleted_tail():
    events = _three_events()
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    assert [p.kind for p in verify_chain()] == ["missing_tail"]


def test_verify_finds_an_inserted_row():
    events = _three_events()
    forged = AuditEvent(**{f.name: getattr(events[1], f.name) for f in AuditEvent._meta.fields if f.name != "id"})
    _tamper("UPDATE core_auditevent SET seq = seq + 1 WHERE seq >= %s", [events[2].seq])
    forged.seq, forged.hash, forged.action = events[2].seq, "f" * 64, "forged"
    forged.save(force_insert=True)
    kinds = {p.kind for p in verify_chain()}
    assert "edited" in kinds and "broken_link" in kinds


def test_audit_verify_command_passes_and_fails(capsys):
    events = _three_events()
    call_command("audit_verify")
    assert "toàn vẹn" in capsys.readouterr().out
    _tamper("UPDATE core_auditevent SET changes = %s WHERE id = %s", ['{"n": 99}', events[0].pk])
    with pytest.raises(CommandError, match="KHÔNG toàn vẹn"):
        call_command("audit_verify")


def test_nightly_task_counts_problems(caplog):
    from apps.core.tasks import verify_audit_chain

    events = _three_events()
    assert verify_audit_chain.call_local() == 0
    _tamper("UPDATE core_auditevent SET actor_label = %s WHERE id = %s", ["kẻ giả mạo", events[0].pk])
    assert verify_audit_chain.call_local() == 1
    verify_audit_chain()  # enqueued: immediate mode runs it at once, as the worker would (periodic: no result)
    assert caplog.text.count("edited") == 2
