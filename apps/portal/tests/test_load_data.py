import io

import pytest
from django.core.management import call_command

from apps.dossiers import services
from apps.dossiers.models import Dossier, DossierStep
from apps.org.models import User
from apps.procedures.models import Procedure

pytestmark = pytest.mark.django_db


def test_generated_dossiers_are_consistent_and_live_codes_continue(demo):
    call_command("generate_load_data", dossiers=300, days=60, batch=100, stdout=io.StringIO())
    assert Dossier.objects.count() == 300
    codes = list(Dossier.objects.values_list("code", flat=True))
    assert len(set(codes)) == 300
    returned = Dossier.objects.filter(status="returned").first()
    assert returned.steps.count() == 4 and returned.outcome and returned.returned_at >= returned.received_at
    open_one = Dossier.objects.filter(status="in_progress").select_related("current_step").first()
    assert open_one.current_step.finished_at is None and open_one.current_step.dossier_id == open_one.pk
    assert not DossierStep.objects.filter(dossier__status="submitted").exists()
    clerk = User.objects.get(username="motcua.anphu")
    procedure = Procedure.objects.get(code="1.004873")
    fresh = services.dossier_receive_walk_in(
        actor=clerk, desk=clerk.memberships.get().unit, procedure=procedure,
        applicant={"applicant_name": "Lê Văn Hùng", "applicant_id_number": "001080054321",
                   "applicant_phone": "0987654321", "applicant_address": "Thôn Tây, xã An Phú"},
        provided_paper_ids=list(procedure.papers.filter(optional=False).values_list("pk", flat=True)),
    )  # fmt: skip
    assert fresh.code not in codes and fresh.pk > max(Dossier.objects.exclude(pk=fresh.pk).values_list("pk", flat=True))
