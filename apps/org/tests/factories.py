import datetime

import factory
from django.contrib.auth.models import Group

from apps.org import services
from apps.org.models import Membership, Unit, User


class UnitFactory(factory.django.DjangoModelFactory):
    """Builds through the service so that paths and audit events are real."""

    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    kind = Unit.Kind.PEOPLES_COMMITTEE
    level = Unit.Level.COMMUNE
    parent = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        return services.unit_create(actor=None, parent=parent, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    password = factory.django.Password("mat-khau-thu-nghiem")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set([Group.objects.get_or_create(name=code)[0] for code in extracted])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    position = "Chuyên viên"
    start_date = datetime.date(2020, 1, 1)  # tests travel in time: the person has worked there for years


def staff_in(unit, *roles, is_head=False, **kwargs) -> User:
    user = UserFactory(roles=list(roles), **kwargs)
    MembershipFactory(user=user, unit=unit, is_head=is_head)
    return user
