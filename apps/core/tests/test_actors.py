import pytest
from django.contrib.auth.models import AnonymousUser

from apps.core.actors import CITIZEN, SYSTEM, acts_without_account, is_staff_user, staff_user
from apps.core.errors import PermissionDeniedError


def test_the_system_and_the_citizen_are_not_staff_and_store_no_user():
    for actor in (SYSTEM, CITIZEN, None, AnonymousUser()):
        assert not is_staff_user(actor) and staff_user(actor) is None
    assert acts_without_account(SYSTEM) and acts_without_account(CITIZEN) and acts_without_account(None)


def test_an_anonymous_web_user_is_not_the_citizen_acting_online(db):
    """A staff check lets the system and the citizen's own online actions through, never Django's anonymous user."""
    from apps.dossiers.models import Dossier
    from apps.dossiers.services.common import require_desk
    from apps.org.tests.factories import UnitFactory

    dossier = Dossier(desk=UnitFactory())
    require_desk(SYSTEM, dossier)
    require_desk(CITIZEN, dossier)
    with pytest.raises(PermissionDeniedError):
        require_desk(AnonymousUser(), dossier)
