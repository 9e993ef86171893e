"""The documents app's models, one module per purpose: the registers, files and versions, signing, the exchange
between agencies, handling (assignment and follow-up) and search."""

from apps.documents.models.exchange import *  # noqa: F403
from apps.documents.models.files import *  # noqa: F403
from apps.documents.models.handling import *  # noqa: F403
from apps.documents.models.registers import *  # noqa: F403
from apps.documents.models.search import *  # noqa: F403
from apps.documents.models.signing import *  # noqa: F403
