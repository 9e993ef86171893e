"""Who acts when no staff member does: the worker (SYSTEM) and the citizen online (CITIZEN).

Services take an actor always; these stand in for a user so that "nobody" is never passed around as None and the
audit log names who acted. They own no row: foreign keys to users store `staff_user(actor)` (None for them)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NonStaffActor:
    username: str
    pk: None = None
    is_superuser: bool = False
    is_staff: bool = False
    is_authenticated: bool = False

    def get_username(self) -> str:
        return self.username

    def __str__(self) -> str:
        return self.username


SYSTEM = NonStaffActor("he-thong")
CITIZEN = NonStaffActor("cong-dan")


def is_staff_user(actor) -> bool:
    """A signed-in user (not the system, the citizen, None or Django's anonymous user)."""
    return bool(getattr(actor, "is_authenticated", False))


def acts_without_account(actor) -> bool:
    """The system or the citizen acting online: permission checks for staff do not apply to them (the services
    that allow it say so). Django's anonymous user is not one of them: it is refused like any stranger."""
    return actor is None or isinstance(actor, NonStaffActor)


def staff_user(actor):
    """The user row to store in a foreign key: the staff member, or None for the system and the citizen."""
    return actor if is_staff_user(actor) else None
