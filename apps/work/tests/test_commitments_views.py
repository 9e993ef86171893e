"""Commitments through the pages and the API: where a commitment stands during its period, the unit scope (another
commune sees nothing: selectors, pages, API), the public service charter (public, signed charters only; no names),
and the steps of the signer and of the superior."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from apps.core.models import AuditEvent, Notification
from apps.portal.navigation import navigation_for
from apps.work.models import Commitment, CommitmentTarget, Metric
from apps.work.selectors import commitments as selectors
from apps.work.services import commitments as services
from apps.work.tests.commitments_helpers import GTE, LTE, charter, local, returned_dossiers, signed
from apps.work.tests.factories import world

pytestmark = pytest.mark.django_db


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def quarter_charter(w) -> Commitment:
    """Q1/2026: on time ≥ 95%, at least 90 dossiers received, at most 2 late; signed."""
    commitment = charter(w)
    for text, metric, comparison, value in (("Đúng hạn ≥ 95%", Metric.DOSSIER_ON_TIME_RATE, GTE, 95),
                                            ("Tiếp nhận ít nhất 90 hồ sơ", Metric.DOSSIERS_RECEIVED, GTE, 90),
                                            ("Không quá 2 hồ sơ trễ", Metric.LATE_DOSSIERS, LTE, 2)):  # fmt: skip
        services.add_target(actor=w.commune_chairman, commitment=commitment, text=text, metric=metric,
                            comparison=comparison, target_value=value)  # fmt: skip
    services.add_target(actor=w.commune_chairman, commitment=commitment, text="Không để xảy ra sách nhiễu")
    return signed(commitment)


def test_where_a_commitment_stands_during_its_period(django_assert_max_num_queries):
    w = world()
    commitment = quarter_charter(w)
    returned_dossiers(w.commune, dt.date(2026, 2, 10), on_time=39, late=1)  # received 05/02, returned 10/02
    returned_dossiers(w.commune, dt.date(2026, 2, 20), on_time=10)  # after "today": not counted yet
    commitment = selectors.commitment_detail(w.chairman, commitment.pk)
    with django_assert_max_num_queries(4):  # the figures (dossiers, feedback, apologies, tasks), whatever the targets
        standing = selectors.standing(commitment, today=dt.date(2026, 2, 14))
    # 14/02 is day 31 + 14 = 45 of the 90 days of Q1/2026.
    assert (standing.as_of, standing.elapsed_days, standing.total_days) == (dt.date(2026, 2, 14), 45, 90)
    rate, received, late, free = standing.targets
    assert (rate.value, rate.on_track) == (Decimal("97.50"), True)  # 39 of 40
    # At least 90 in the quarter: by day 45 of 90, 90 × 45 / 90 = 45 expected; 40 received.
    assert (received.value, received.expected, received.on_track) == (Decimal(40), Decimal("45.00"), False)
    assert (late.value, late.on_track) == (Decimal(1), True)
    assert (free.value, free.on_track, free.reviewable) == (None, None, True)
    assert standing.on_track is False
    before = selectors.standing(commitment, today=dt.date(2025, 12, 20))
    assert not before.started and all(t.value is None for t in before.targets)


def test_another_commune_sees_nothing_of_it():
    w = world()
    commitment = quarter_charter(w)
    target = commitment.targets.first()
    for outsider in (w.other_chairman, w.other_officer, w.culture_officer):
        assert selectors.commitment_detail(outsider, commitment.pk) is None
        assert not selectors.commitment_list(outsider).exists()
    assert selectors.commitment_detail(w.chairman, commitment.pk) is not None  # the superior
    assert selectors.commitment_detail(w.commune_chairman, commitment.pk) is not None  # the signer
    page = page_client(w.other_chairman)
    assert page.get(f"/can-bo/cong-viec/cam-ket/{commitment.pk}/").status_code == 404
    assert page.post(f"/can-bo/cong-viec/cam-ket/{commitment.pk}/", {"hanh-dong": "sign"}).status_code == 404
    assert commitment.title not in page.get("/can-bo/cong-viec/cam-ket/").content.decode()
    api = api_client(w.other_chairman)
    base = f"/api/v1/work/commitments/{commitment.pk}/"
    assert api.get(base).status_code == 404
    assert api.post(f"{base}evaluate/", {}).status_code == 404
    assert api.post(f"{base}targets/{target.pk}/review/", {"met": True}).status_code == 404
    assert api.post(f"{base}public/", {"is_public": True}).status_code == 404
    assert api.get("/api/v1/work/commitments/").json()["count"] == 0
    assert APIClient().get("/api/v1/work/commitments/").status_code == 401


def test_the_public_charter_shows_only_public_signed_charters_without_names():
    w = world()
    public = quarter_charter(w)
    services.set_public(actor=w.chairman, commitment=public, is_public=True)
    hidden = charter(w)  # a draft charter: never public
    hidden.title = "Dự thảo chưa ký"
    hidden.save()
    other = services.draft_commitment(
        actor=w.other_chairman,
        unit=w.other_commune,
        superior=w.chairman,
        kind="charter",
        title="Cam kết xã Bình Minh",
        period_kind="year",
        year=2026,
    )
    services.add_target(actor=w.other_chairman, commitment=other, text="Đúng hẹn")
    signed(other)  # signed but not made public
    returned_dossiers(w.commune, dt.date(2026, 2, 10), on_time=19, late=1)
    anonymous = Client()
    with time_machine.travel(local(2026, 2, 14, 9)):
        units = anonymous.get("/cam-ket-phuc-vu/").content.decode()
        assert w.commune.name in units and w.other_commune.name not in units
        page = anonymous.get(f"/cam-ket-phuc-vu/{w.commune.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and public.title in text and "Dự thảo chưa ký" not in text
    assert "95,00%" in text or "95.00%" in text  # 19 of 20 so far
    for person in (w.commune_chairman, w.chairman):
        assert person.get_username() not in text and (not person.full_name or person.full_name not in text)
    assert anonymous.get(f"/cam-ket-phuc-vu/{w.other_commune.pk}/").status_code == 404
    body = APIClient().get(f"/api/v1/work/public-commitments/{w.commune.pk}/").json()
    assert [c["title"] for c in body["commitments"]] == [public.title]
    assert "signer" not in body["commitments"][0]
    assert APIClient().get(f"/api/v1/work/public-commitments/{w.other_commune.pk}/").status_code == 404
    assert 'href="/cam-ket-phuc-vu/"' in anonymous.get("/").content.decode()


def test_the_api_journey_draft_sign_evaluate_review_publish():
    w = world()
    signer, superior = api_client(w.commune_chairman), api_client(w.chairman)
    made = signer.post("/api/v1/work/commitments/", {
        "unit": w.commune.pk, "superior": w.chairman.pk, "kind": "charter", "title": "Cam kết phục vụ tháng 3",
        "period_kind": "month", "year": 2026, "number": 3,
    }, format="json")  # fmt: skip
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    base = f"/api/v1/work/commitments/{pk}/"
    bad = signer.post(f"{base}targets/", {"text": "Hài lòng", "metric": "satisfaction", "comparison": "gte",
                                          "target_value": "101"}, format="json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["code"] == "domain_error"
    bound = signer.post(f"{base}targets/", {"text": "Đúng hạn ≥ 90%", "metric": "dossier_on_time_rate",
                                            "comparison": "gte", "target_value": "90"}, format="json")  # fmt: skip
    free = signer.post(f"{base}targets/", {"text": "Niềm nở, tận tình"}, format="json")
    assert bound.status_code == free.status_code == 201
    assert superior.post(f"{base}sign/").status_code == 403
    with time_machine.travel(local(2026, 3, 2, 9)):
        assert signer.post(f"{base}sign/").json()["commitment"]["status"] == "signed"
        assert signer.post(f"{base}targets/", {"text": "Sau khi ký"}, format="json").status_code == 409
        assert superior.post(f"{base}evaluate/", {}).status_code == 400  # the month is not over
    returned_dossiers(w.commune, dt.date(2026, 3, 16), on_time=9, late=1)  # 90.00% ≥ 90
    mine = superior.get("/api/v1/work/commitments/mine/").json()
    assert [c["id"] for c in mine["signed_to_me"]] == [pk] and mine["signed_by_me"] == []
    with time_machine.travel(local(2026, 4, 1, 8)):
        body = superior.post(f"{base}evaluate/", {"note": "Tháng 3 đạt"}, format="json").json()
        assert body["commitment"]["status"] == "evaluated" and body["commitment"]["result"] == ""
        assert body["commitment"]["targets"][0]["actual_value"] == "90.00"
        free_pk = free.json()["id"]
        assert signer.post(f"{base}targets/{free_pk}/review/", {"met": True}, format="json").status_code == 403
        reviewed = superior.post(f"{base}targets/{free_pk}/review/", {"met": True, "note": "Tốt"}, format="json")
        assert reviewed.status_code == 200 and reviewed.json()["met"] is True
        body = superior.get(base).json()
    assert body["commitment"]["result"] == "kept"
    assert superior.post(f"{base}public/", {"is_public": True}, format="json").json()["commitment"]["is_public"]
    listed = api_client(w.chairman).get("/api/v1/work/commitments/?year=2026&status=evaluated").json()
    assert [c["id"] for c in listed["results"]] == [pk]


def test_the_pages_draft_sign_review_and_evaluate():
    w = world()
    signer = page_client(w.culture_head)
    # Commitments are reached from "Công việc" in the staff menu, then the work app's own menu.
    assert any(item.url_name == "work:my-tasks" for item in navigation_for(w.culture_officer))
    assert (
        'href="/can-bo/cong-viec/cam-ket/"' in page_client(w.culture_officer).get("/can-bo/cong-viec/").content.decode()
    )
    assert signer.get("/can-bo/cong-viec/cam-ket/").status_code == 200
    new_page = signer.get("/can-bo/cong-viec/cam-ket/moi/").content.decode()
    # The superiors offered: the leaders of the division and of the commune above it, never another commune's.
    assert str(w.commune_chairman) in new_page and str(w.other_chairman) not in new_page
    assert page_client(w.other_officer).get("/can-bo/cong-viec/cam-ket/moi/").status_code == 200
    form = {"unit": w.culture.pk, "kind": "tasks", "title": "Cam kết thực hiện nhiệm vụ quý I/2026",
            "superior": w.commune_chairman.pk, "period_kind": "quarter", "year": 2026, "number": 1,
            "chi-tieu-0-text": "Nhiệm vụ đúng hạn ≥ 80%", "chi-tieu-0-metric": "tasks_on_time_rate",
            "chi-tieu-0-comparison": "gte", "chi-tieu-0-target_value": "80",
            "chi-tieu-1-text": "Hoàn thành kế hoạch tuyên truyền"}  # fmt: skip
    refused = signer.post("/can-bo/cong-viec/cam-ket/moi/", {**form, "chi-tieu-0-target_value": "120"})
    assert refused.status_code == 400 and "từ 0 đến 100" in refused.content.decode()
    assert not Commitment.objects.exists()  # the draft went with the refused target
    made = signer.post("/can-bo/cong-viec/cam-ket/moi/", form)
    assert made.status_code == 302
    commitment = Commitment.objects.get()
    assert list(commitment.targets.values_list("metric", flat=True)) == ["tasks_on_time_rate", ""]
    url = f"/can-bo/cong-viec/cam-ket/{commitment.pk}/"
    draft_page = signer.get(url).content.decode()
    assert "Ký cam kết" in draft_page and "Thêm chỉ tiêu" in draft_page
    header = {f"edit-{name}": value for name, value in form.items() if not name.startswith("chi-tieu")}
    assert signer.post(url, {"hanh-dong": "edit", **header, "edit-number": "5"}).status_code == 400
    assert signer.post(url, {"hanh-dong": "edit", **header, "edit-title": "Cam kết quý I (sửa)"}).status_code == 302
    commitment.refresh_from_db()
    assert commitment.title == "Cam kết quý I (sửa)"
    assert signer.post(url, {"hanh-dong": "add_target", "add_target-text": "Thêm một chỉ tiêu"}).status_code == 302
    extra = commitment.targets.get(text="Thêm một chỉ tiêu")
    assert signer.post(url, {"hanh-dong": "remove_target", "remove_target-target": extra.pk}).status_code == 302
    superior = page_client(w.commune_chairman)
    assert superior.post(url, {"hanh-dong": "sign"}).status_code == 302  # not offered to him: told, nothing done
    commitment.refresh_from_db()
    assert commitment.status == "draft"
    with time_machine.travel(local(2026, 1, 5, 9)):
        assert signer.post(url, {"hanh-dong": "sign"}).status_code == 302
    free = commitment.targets.get(metric="")
    with time_machine.travel(local(2026, 2, 2, 9)):
        page = superior.get(url).content.decode()
        assert "Ghi đánh giá" in page and "Đánh giá theo số liệu" not in page
        assert superior.post(url, {"hanh-dong": "review", "review-target": free.pk, "review-met": "1",
                                   "review-note": "Đã tổ chức 3 đợt"}).status_code == 302  # fmt: skip
    with time_machine.travel(local(2026, 4, 1, 9)):
        assert "Đánh giá theo số liệu" in superior.get(url).content.decode()
        assert superior.post(url, {"hanh-dong": "evaluate", "evaluate-note": ""}).status_code == 302
        page = superior.get(url).content.decode()
    commitment.refresh_from_db()
    bound = commitment.targets.get(metric="tasks_on_time_rate")
    # No task finished in the quarter: no rate; the superior gives the verdict of that target too.
    assert bound.actual_value is None and commitment.result == "" and "Ghi đánh giá" in page
    superior.post(url, {"hanh-dong": "review", "review-target": bound.pk, "review-met": "0", "review-note": "Trễ"})
    commitment.refresh_from_db()
    assert commitment.result == Commitment.Result.BROKEN
    assert AuditEvent.objects.filter(action="work.commitment.target_reviewed").count() == 2
    assert CommitmentTarget.objects.get(pk=free.pk).review_note == "Đã tổ chức 3 đợt"


def test_the_api_edits_a_draft_only_and_tells_the_superior_of_the_signature():
    w = world()
    w.chairman.email = "chutich@example.vn"
    w.chairman.save(update_fields=["email"])
    commitment = charter(w)
    target = services.add_target(actor=w.commune_chairman, commitment=commitment, text="Đúng hẹn")
    signer = api_client(w.commune_chairman)
    base = f"/api/v1/work/commitments/{commitment.pk}/"
    header = {"unit": w.commune.pk, "superior": w.chairman.pk, "kind": "charter", "title": "Cam kết 6 tháng đầu",
              "period_kind": "half", "year": 2026, "number": 1}  # fmt: skip
    assert api_client(w.chairman).put(base, header, format="json").status_code == 403
    assert signer.put(base, {**header, "number": 3}, format="json").status_code == 400  # a year has two halves
    assert signer.put(base, {**header, "unit": w.culture.pk}, format="json").status_code == 400
    edited = signer.put(base, header, format="json").json()
    assert edited["commitment"]["period_label"] == "6 tháng đầu năm 2026"
    assert (edited["standing"]["first_day"], edited["standing"]["last_day"]) == ("2026-01-01", "2026-06-30")
    bound = {"text": "Hài lòng ≥ 90%", "metric": "satisfaction", "comparison": "gte", "target_value": "90"}
    changed = signer.put(f"{base}targets/{target.pk}/", bound, format="json")
    assert changed.status_code == 200 and changed.json()["metric"] == "satisfaction"
    extra = signer.post(f"{base}targets/", {"text": "Tạm"}, format="json").json()
    assert signer.delete(f"{base}targets/{extra['id']}/").status_code == 204
    assert signer.delete(f"{base}targets/999999/").status_code == 404
    assert signer.post(f"{base}sign/").status_code == 200
    assert signer.put(base, header, format="json").status_code == 409
    notice = Notification.objects.get(recipient="chutich@example.vn")
    assert notice.subject == "Bản cam kết mới" and "Cam kết 6 tháng đầu" in notice.body


def test_the_lists_read_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    w = world()
    for number in (1, 2, 3, 4, 1, 2):
        commitment = charter(w, number=number)
        services.add_target(actor=w.commune_chairman, commitment=commitment, text=f"Chỉ tiêu quý {number}")
    with django_assert_max_num_queries(3):  # the user's scope (once), the rows with their units and people
        rows = list(selectors.commitment_list(w.chairman))
        assert [(r.target_count, r.unit.name, str(r.signer)) for r in rows] == [
            (1, w.commune.name, str(w.commune_chairman))
        ] * 6
    with django_assert_max_num_queries(4):  # signed by me, signed to me: each with its targets
        mine = selectors.my_commitments(w.commune_chairman)
        assert [len(c.targets.all()) for c in mine["signed_by_me"]] == [1] * 6
