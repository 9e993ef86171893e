"""A province with its hotline (the service centre), two communes and the feedback categories."""

from dataclasses import dataclass

from apps.demo.feedback_catalogue import load_feedback_catalogue
from apps.dossiers.tests.factories import World, world
from apps.feedback.models import Category
from apps.org import services as org_services
from apps.org.models import Role, Unit
from apps.org.tests.factories import UnitFactory, staff_in

CONTACT = {"contact_name": "Trần Văn Bình", "contact_phone": "0987654321", "contact_email": "binh@example.vn"}


@dataclass
class FeedbackWorld:
    base: World
    centre: Unit
    operator: object
    centre_head: object
    question: Category
    conduct: Category
    regulation: Category

    def __getattr__(self, name):
        return getattr(self.base, name)


def feedback_world() -> FeedbackWorld:
    base = world()
    centre = UnitFactory(
        name="Trung tâm Phục vụ hành chính công", kind=Unit.Kind.SERVICE_CENTRE, level=Unit.Level.PROVINCE,
        parent=base.province, symbol="TTPVHCC",
    )  # fmt: skip
    operator = staff_in(centre, Role.HOTLINE_OPERATOR, username="tongdai")
    org_services.access_grant(actor=None, user=operator, unit=base.province, reason="Tổng đài 1022")
    load_feedback_catalogue()
    return FeedbackWorld(
        base=base, centre=centre, operator=operator,
        centre_head=staff_in(centre, Role.UNIT_LEADER, is_head=True, username="giamdoc"),
        question=Category.objects.get(code="hoi-dap-thu-tuc"), conduct=Category.objects.get(code="ho-so-tre-han"),
        regulation=Category.objects.get(code="quy-dinh-hanh-chinh"),
    )  # fmt: skip
