"""The demo province's certificate authority and certificates: one for every leader and for each people's committee
and department, valid since the staff took office (time-travelling tests and generated history sign inside it)."""

import datetime as dt
from zoneinfo import ZoneInfo

from apps.documents.services import signing
from apps.org.models import Unit


def load_signing(root: Unit, since: dt.date) -> signing.IssueSummary:
    valid_from = dt.datetime.combine(since, dt.time(), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    return signing.certificates_issue_missing(
        actor=None,
        authority_name=f"Tổ chức chứng thực thử nghiệm — {root.name}",
        organisation=root.name,
        valid_from=valid_from,
    )
