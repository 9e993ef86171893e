"""Issue 13.7: load data for a province of real size (more communes and procedures than the demo's)."""

import pytest

from apps.demo.catalogue import extend_catalogue
from apps.demo.province import COMMUNES, extend_province
from apps.org.models import Membership, Unit
from apps.procedures.models import Procedure

pytestmark = pytest.mark.django_db


def _communes():
    return Unit.objects.filter(level=Unit.Level.COMMUNE, kind=Unit.Kind.PEOPLES_COMMITTEE)


def test_the_province_grows_to_the_communes_asked_each_laid_out_like_a_demo_commune(demo):
    assert _communes().count() == len(COMMUNES)
    assert extend_province(len(COMMUNES) + 2) == 2
    assert extend_province(len(COMMUNES) + 2) == 0  # asked again: nothing more
    added = _communes().exclude(short_name__in=COMMUNES)
    assert added.count() == 2 and len({unit.agency_code for unit in _communes()}) == len(COMMUNES) + 2
    for commune in added:
        desk = commune.children.get(kind=Unit.Kind.ONE_STOP_DESK)
        assert Membership.objects.filter(unit=desk).exists()  # someone receives dossiers there


def test_the_catalogue_grows_to_the_procedures_asked_with_their_steps(demo):
    active = Procedure.objects.filter(is_active=True, level=Unit.Level.COMMUNE)
    have = active.count()
    assert extend_catalogue(have + 3) == 3
    assert extend_catalogue(have + 3) == 0
    for procedure in active.filter(code__startswith="9."):
        assert procedure.steps.count() == 4 and "trường hợp" in procedure.name
