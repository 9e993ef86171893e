"""The work app's models, one module per purpose: work programmes, tasks assigned by leaders, commitments, the
reporting regime, briefings and the leaders' weekly schedule."""

from apps.work.models.briefings import *  # noqa: F403
from apps.work.models.commitments import *  # noqa: F403
from apps.work.models.common import *  # noqa: F403
from apps.work.models.programmes import *  # noqa: F403
from apps.work.models.reporting import *  # noqa: F403
from apps.work.models.tasks import *  # noqa: F403
