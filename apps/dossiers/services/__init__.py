"""The dossiers app's services, one module per purpose; this package re-exports their public names so that callers
write `services.dossier_receive(...)` without knowing which module holds it.

- receipt: submission online or at the desk, the code, the papers' check, the clock started at receipt
- transitions: every later move and the one action table (`ACTIONS`) the API, pages and `allowed_actions` read
- clocks: legal due time vs appointment, step budgets, pauses, early / on time / late
- slips: BM.02 / BM.03 notices
- attachments: files of the submission, the supplements and the result
- apologies: the late-dossier projection, BM.04 and its signature
- ratings: the citizen's rating
- papers: digitised papers in their slots (online, at receipt), reuse of the same person's earlier copies
- results: the result as a file and the citizen's download with code + phone
Public tracking (what anyone may read by code, and its publishing) lives in `apps.dossiers.tracking`.
"""

from apps.dossiers.services.apologies import (
    apology_approve,
    apology_approve_many,
    apology_draft,
    needs_apology,
    projected_finish,
    sweep_late_dossiers,
)
from apps.dossiers.services.attachments import MAX_FILES_PER_UPLOAD, dossier_attach, dossier_citizen_supplement
from apps.dossiers.services.clocks import add_budget, classify
from apps.dossiers.services.common import notify_applicant
from apps.dossiers.services.papers import (
    dossier_receive_digitised,
    dossier_receive_walk_in_digitised,
    dossier_submit_online_with_papers,
    missing_online_papers,
    paper_digitise,
    paper_reuse,
    reusable_papers,
    reuse_offers,
    reuse_offers_for_person,
    slot_name,
)
from apps.dossiers.services.ratings import rating_submit
from apps.dossiers.services.receipt import dossier_receive_walk_in, dossier_submit_online, new_dossier_code
from apps.dossiers.services.results import (
    electronic_result,
    result_attach,
    result_attach_allowed,
    result_for_citizen,
)
from apps.dossiers.services.transitions import (
    ACTIONS,
    STAFF_ACTIONS,
    allowed_actions,
    dossier_desk_completion_request,
    dossier_desk_refusal,
    dossier_forward,
    dossier_receive,
    dossier_record_payment,
    dossier_refuse,
    dossier_request_completion,
    dossier_request_supplement,
    dossier_resubmit,
    dossier_return,
    dossier_supplement_received,
    dossier_withdraw,
    run_action,
)

__all__ = [
    "ACTIONS",
    "MAX_FILES_PER_UPLOAD",
    "STAFF_ACTIONS",
    "add_budget",
    "allowed_actions",
    "apology_approve",
    "apology_approve_many",
    "apology_draft",
    "classify",
    "dossier_attach",
    "dossier_citizen_supplement",
    "dossier_desk_completion_request",
    "dossier_desk_refusal",
    "dossier_forward",
    "dossier_receive",
    "dossier_receive_digitised",
    "dossier_receive_walk_in",
    "dossier_receive_walk_in_digitised",
    "dossier_record_payment",
    "dossier_refuse",
    "dossier_request_completion",
    "dossier_request_supplement",
    "dossier_resubmit",
    "dossier_return",
    "dossier_submit_online",
    "dossier_submit_online_with_papers",
    "dossier_supplement_received",
    "dossier_withdraw",
    "electronic_result",
    "missing_online_papers",
    "needs_apology",
    "new_dossier_code",
    "notify_applicant",
    "paper_digitise",
    "paper_reuse",
    "projected_finish",
    "rating_submit",
    "result_attach",
    "result_attach_allowed",
    "result_for_citizen",
    "reusable_papers",
    "reuse_offers",
    "reuse_offers_for_person",
    "run_action",
    "slot_name",
    "sweep_late_dossiers",
]
