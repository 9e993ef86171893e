"""Open311 GeoReport v2 conformance: every endpoint, every field of the specification, JSON and XML."""

import importlib
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.test import Client

from apps.feedback import services
from apps.feedback.models import Feedback, Open311Key
from apps.feedback.tests.factories import feedback_world
from tests.helpers import at, without_tokens

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE_FIELDS = {"variable", "code", "datatype", "required", "datatype_description", "order", "description"}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}  # fmt: skip
POST_FIELDS = {"service_request_id", "token", "service_notice", "account_id"}


@pytest.fixture
def fw():
    return feedback_world()


@pytest.fixture
def key(fw):
    return Open311Key.objects.create(name="Ứng dụng thử").key


def post(key, **fields):
    data = {"api_key": key, "service_code": "hoi-dap-thu-tuc", "lat": "21.028500", "long": "105.854200",
            "description": "Đèn tín hiệu trước trụ sở xã hỏng, đề nghị sửa.", "email": "dan@example.vn",
            "phone": "0911222333", "first_name": "Hoa", "last_name": "Lê", **fields}  # fmt: skip
    return Client().post(f"{BASE}/requests.json", data)


def xml(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)


def test_discovery_in_both_formats():
    body = Client().get(f"{BASE}/discovery.json").json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    endpoint = body["endpoints"][0]
    assert set(endpoint) == {"specification", "url", "changeset", "type", "formats"}
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2" and endpoint["url"].endswith(
        "/open311/v2/"
    )
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml(Client().get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery" and [f.text for f in root.find("endpoints/endpoint/formats")] == endpoint["formats"]


def test_services_list_and_definitions(fw):
    services_json = Client().get(f"{BASE}/services.json").json()
    assert len(services_json) == 6 and all(set(s) == SERVICE_FIELDS for s in services_json)
    assert {s["type"] for s in services_json} == {"realtime"} and all(s["metadata"] is True for s in services_json)
    root = xml(Client().get(f"{BASE}/services.xml"))
    assert root.tag == "services" and {child.tag for child in root.find("service")} == SERVICE_FIELDS
    assert root.find("service/metadata").text == "true"
    definition = Client().get(f"{BASE}/services/ho-so-tre-han.json").json()
    assert definition["service_code"] == "ho-so-tre-han"
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert all(set(a) >= ATTRIBUTE_FIELDS for a in attributes.values())
    assert attributes["dossier_code"]["required"] is True and attributes["procedure_code"]["datatype"] == (
        "singlevaluelist"
    )
    assert {"key", "name"} == set(attributes["procedure_code"]["values"][0])
    root = xml(Client().get(f"{BASE}/services/ho-so-tre-han.xml"))
    assert root.tag == "service_definition" and root.find("attributes/attribute/code").text == "title"
    assert root.find("attributes/attribute[code='procedure_code']/values/value/key") is not None
    missing = Client().get(f"{BASE}/services/khong-co.json")
    assert missing.status_code == 404 and set(missing.json()[0]) == {"code", "description"}


def test_post_needs_a_valid_key_service_and_location(fw, key):
    assert post("sai-khoa").status_code == 403
    assert post(key, service_code="khong-co").status_code == 400
    assert post(key, lat="", long="").status_code == 400
    assert post(key, service_code="ho-so-tre-han").json()[0]["description"].startswith("Thiếu thuộc tính")
    response = post(key, **{"attribute[title]": "Đèn tín hiệu hỏng", "account_id": "42"})
    assert response.status_code == 201
    body = response.json()[0]
    assert set(body) == POST_FIELDS and body["account_id"] == "42"
    feedback = Feedback.objects.get(code=body["service_request_id"])
    assert feedback.channel == "open311" and feedback.title == "Đèn tín hiệu hỏng"
    assert feedback.contact_phone == "0911222333" and feedback.contact_name == "Lê Hoa"
    token = Client().get(f"{BASE}/tokens/{body['token']}.json").json()
    assert token == [{"service_request_id": feedback.code, "token": body["token"]}]
    assert Client().get(f"{BASE}/tokens/gia-mao.json").status_code == 404  # not a UUID: not found, not a 500
    proposal = {"api_key": key, "service_code": "kien-nghi-de-xuat", "address_string": "Chợ An Phú",
                "description": "Đề xuất mở rộng bãi xe."}  # fmt: skip
    xml_post = Client().post(f"{BASE}/requests.xml", proposal)
    assert xml_post.status_code == 201 and xml(xml_post).find("request/service_request_id").text.startswith("PA-")


def test_requests_carry_every_field_and_no_contact_details(fw, key):
    code = post(key).json()[0]["service_request_id"]
    listing = Client().get(f"{BASE}/requests.json")
    entry = next(r for r in listing.json() if r["service_request_id"] == code)
    assert set(entry) == REQUEST_FIELDS and entry["status"] == "open"
    text = listing.content.decode()
    assert "0911222333" not in text and "dan@example.vn" not in text and "Lê Hoa" not in text
    assert entry["description"] == "" and entry["lat"] is None  # not published yet
    root = xml(Client().get(f"{BASE}/requests/{code}.xml"))
    assert root.tag == "service_requests" and {child.tag for child in root.find("request")} == REQUEST_FIELDS
    assert Client().get(f"{BASE}/requests/PA-000000-0000.json").status_code == 404


def test_closed_with_our_status_in_notes_and_published_fields(fw, key):
    code = post(key).json()[0]["service_request_id"]
    feedback = Feedback.objects.get(code=code)
    services.feedback_assign(actor=fw.operator, feedback=feedback, unit=fw.culture)
    services.feedback_answer(actor=fw.officer, feedback=feedback, answer="Đã sửa đèn tín hiệu.", publish=True)
    entry = Client().get(f"{BASE}/requests/{code}.json").json()[0]
    assert entry["status"] == "closed" and entry["status_notes"] == "Đã trả lời: Đã sửa đèn tín hiệu."
    assert entry["lat"] == 21.0285 and entry["description"].startswith("Đèn tín hiệu")
    assert entry["agency_responsible"] == fw.culture.name


def test_request_filters_and_the_default_window(fw, key):
    with time_machine.travel(at("01/06/2026", "09:00")):
        old = post(key).json()[0]["service_request_id"]
    new = post(key, service_code="kien-nghi-de-xuat").json()[0]["service_request_id"]
    client = Client()
    codes = lambda query: [r["service_request_id"] for r in client.get(f"{BASE}/requests.json?{query}").json()]  # noqa: E731
    assert codes("") == [new]  # the last 90 days by default
    assert codes("start_date=2026-05-30T00:00:00%2B07:00&end_date=2026-06-02T00:00:00%2B07:00") == [old]
    assert codes("service_code=kien-nghi-de-xuat") == [new] and codes("service_code=hoi-dap-thu-tuc") == []
    assert codes("status=open") == [new] and codes("status=closed") == []
    assert codes(f"service_request_id={old},{new}") == [new, old]  # ids override the date window
    too_long = client.get(f"{BASE}/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z")
    assert too_long.status_code == 400
    assert client.get(f"{BASE}/requests.json?status=pending").status_code == 400
    assert client.get(f"{BASE}/requests.json?jurisdiction_id=other.gov").status_code == 404
    assert client.get(f"{BASE}/requests.json?jurisdiction_id=congvu.local").status_code == 200


def test_at_most_a_thousand_requests(fw, key):
    from apps.feedback import open311

    limit, open311.MAX_REQUESTS = open311.MAX_REQUESTS, 2
    try:
        for _ in range(3):
            post(key)
        assert len(Client().get(f"{BASE}/requests.json").json()) == 2
    finally:
        open311.MAX_REQUESTS = limit
    assert limit == 1000 and open311.DEFAULT_WINDOW_DAYS == 90


def test_a_request_without_title_is_titled_by_its_service_never_by_its_description(fw, key):
    description = "Tôi là Lê Thị Hoa, CCCD 079912345678, nhà số 7 ngõ 3: đèn đường hỏng."
    code = post(key, description=description).json()[0]["service_request_id"]
    feedback = Feedback.objects.get(code=code)
    assert feedback.title == "Phản ánh: Hỏi đáp về thủ tục hành chính" and feedback.content == description
    for text in (Client().get(f"/api/v1/public/feedback/{code}").content.decode(),
                 without_tokens(Client().get(f"/phan-anh/{code}/").content.decode()),
                 Client().get(f"{BASE}/requests/{code}.xml").content.decode()):  # fmt: skip
        assert "079912345678" not in text and "Hoa" not in text


def test_unpublished_requests_show_no_answer_nor_where_they_were_forwarded(fw, key):
    code = post(key).json()[0]["service_request_id"]
    services.feedback_forward(actor=fw.operator, feedback=Feedback.objects.get(code=code), to="Công an xã Canary")
    entry = Client().get(f"{BASE}/requests/{code}.json").json()[0]
    assert entry["status"] == "closed" and entry["status_notes"] == "Đã chuyển cơ quan có thẩm quyền"
    assert entry["description"] == entry["address"] == "" and entry["lat"] is None


def test_titles_taken_from_descriptions_before_are_replaced_by_the_migration(fw, key):
    from django.apps import apps

    retitle = importlib.import_module("apps.feedback.migrations.0004_open311_titles_not_from_description")
    leaked = Feedback.objects.get(code=post(key).json()[0]["service_request_id"])
    Feedback.objects.filter(pk=leaked.pk).update(title=leaked.content[:80])  # what the old code stored
    titled = Feedback.objects.get(code=post(key, **{"attribute[title]": "Đèn tín hiệu hỏng"}).json()[0][
        "service_request_id"])  # fmt: skip
    retitle.retitle_open311_posts(apps, None)
    leaked.refresh_from_db()
    assert leaked.title == "Phản ánh: Hỏi đáp về thủ tục hành chính" and "den tin hieu truoc" in leaked.search_key
    assert "phan anh: hoi dap" in leaked.search_key and Feedback.objects.get(pk=titled.pk).title == "Đèn tín hiệu hỏng"
