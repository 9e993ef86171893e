"""Canary: citizens with distinctive personal data come in through every channel (online, desk, hotline, web
feedback, Open311), then every route an anonymous visitor can reach is fetched — pages, public API answers, Open311
answers in JSON and XML, the public dashboard and its Excel export, the API schema — and none of the canaries may
appear in any body, as typed, accent-folded or phone-normalised."""

import html
import io
import itertools
import json
import zipfile
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch
from rest_framework.test import APIClient

from apps.core.text import fold
from apps.dossiers.models import Dossier
from apps.feedback import services as feedback_services
from apps.feedback.models import Category, Feedback, Open311Key
from apps.feedback.validation import normalize_phone
from apps.org.models import Unit, User
from apps.procedures.models import Procedure

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@dataclass(frozen=True)
class Citizen:
    name: str
    phone: str
    id_number: str
    address: str
    email: str

    def needles(self) -> set[str]:
        """Every form a value could take in an output: as typed, accent-folded, phone digits, +84 and 84 forms."""
        phone = normalize_phone(self.phone)
        forms = {self.name, self.id_number, self.address, self.email, self.phone, phone, "84" + phone[1:]}
        return {form for value in forms for form in (value, fold(value))}


def citizen(n: int, given: str) -> Citizen:
    return Citizen(
        name=f"Canary{given} Zxqvbj", phone=f"0912 345 6{n:02d}", id_number=f"0799123456{n:02d}",
        address=f"Số 7{n} ngõ Canary Đường Hoa Sứ", email=f"canary.{given.lower()}@example.vn",
    )  # fmt: skip


ONLINE, DESK, HOTLINE, WEB_API, WEB_PAGE = (citizen(n, g) for n, g in enumerate(
    ("Online", "Desk", "Hotline", "Webapi", "Webpage"), start=1))  # fmt: skip
OPEN311_UNTITLED, OPEN311_TITLED, PUBLISHED, ANSWERED_PRIVATELY = (citizen(n, g) for n, g in enumerate(
    ("Untitled", "Titled", "Published", "Private"), start=6))  # fmt: skip
CITIZENS = (ONLINE, DESK, HOTLINE, WEB_API, WEB_PAGE, OPEN311_UNTITLED, OPEN311_TITLED, PUBLISHED, ANSWERED_PRIVATELY)
# Whatever is published, the unit approved it: the published item's own title, question and answer may show.
PUBLISHED_TITLE = "Hỏi về lệ phí chứng thực bản sao"


def says_who(person: Citizen) -> str:
    """How citizens write: their name, ID number, phone and address inside the question itself."""
    return (
        f"Tôi là {person.name}, CCCD {person.id_number}, điện thoại {person.phone}, ở {person.address}. "
        "Đèn đường trước nhà hỏng đã hai tuần, đề nghị sửa."
    )


def staff_client(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    return client


def applicant(person: Citizen) -> dict:
    return {"applicant_name": person.name, "applicant_id_number": person.id_number, "applicant_phone": person.phone,
            "applicant_email": person.email, "applicant_address": person.address}  # fmt: skip


def feedback_contact(person: Citizen) -> dict:
    return {"contact_name": person.name, "contact_phone": person.phone, "contact_email": person.email}


def seed_online(outputs: list) -> None:
    procedure = Procedure.objects.filter(is_active=True, level=Unit.Level.PROVINCE).exclude(online_level="none")[0]
    province = Unit.objects.get(kind=Unit.Kind.PEOPLES_COMMITTEE, parent__isnull=True)
    body = {**applicant(ONLINE), "procedure": procedure.code, "agency": province.pk,
            "request_summary": f"Hồ sơ của {ONLINE.name}, {ONLINE.address}", "home_service": True,
            "home_service_address": ONLINE.address}  # fmt: skip
    response = APIClient().post("/api/v1/public/dossiers", body, format="json")
    assert response.status_code == 201, response.content
    outputs.append(("POST /api/v1/public/dossiers", response))


def seed_desk() -> None:
    desk = Unit.objects.get(kind=Unit.Kind.SERVICE_CENTRE)
    procedure = Procedure.objects.filter(is_active=True, level=Unit.Level.PROVINCE)[0]
    papers = list(procedure.papers.values_list("pk", flat=True))
    body = {**applicant(DESK), "desk": desk.pk, "procedure": procedure.code, "provided_papers": papers,
            "request_summary": f"{DESK.name} xin cấp lại giấy phép"}  # fmt: skip
    response = staff_client("motcua.tinh").post("/api/v1/dossiers/receive/", body, format="json")
    assert response.status_code == 201, response.content


def seed_hotline() -> None:
    body = {"channel": "hotline", "category": "hoi-dap-thu-tuc", "title": f"{HOTLINE.name} hỏi về hộ tịch",
            "content": says_who(HOTLINE), "address": HOTLINE.address, **feedback_contact(HOTLINE)}  # fmt: skip
    response = staff_client("tongdai.1022").post("/api/v1/feedback/", body, format="json")
    assert response.status_code == 201, response.content


def seed_web(outputs: list) -> None:
    body = {"category": "kien-nghi-de-xuat", "title": f"Kiến nghị của {WEB_API.name} CCCD {WEB_API.id_number}",
            "content": says_who(WEB_API), "address": WEB_API.address, **feedback_contact(WEB_API)}  # fmt: skip
    response = APIClient().post("/api/v1/public/feedback", body, format="json")
    assert response.status_code == 201, response.content
    outputs.append(("POST /api/v1/public/feedback", response))
    form = {"category": Category.objects.get(code="hoi-dap-thu-tuc").pk, "title": f"{WEB_PAGE.phone} hỏi",
            "content": says_who(WEB_PAGE), "address": WEB_PAGE.address, **feedback_contact(WEB_PAGE)}  # fmt: skip
    page = Client().post("/phan-anh/gui/", form, follow=True)
    assert Feedback.objects.filter(contact_phone=normalize_phone(WEB_PAGE.phone)).exists(), page.content.decode()
    outputs.append(("POST /phan-anh/gui/", page))


def seed_open311(outputs: list) -> None:
    key = Open311Key.objects.create(name="Ứng dụng Canary").key
    for person, title in ((OPEN311_UNTITLED, ""), (OPEN311_TITLED, f"Báo hỏng đèn — {OPEN311_TITLED.name}")):
        first, last = person.name.split(" ")
        data = {"api_key": key, "service_code": "kien-nghi-de-xuat", "address_string": person.address,
                "lat": "21.028500", "long": "105.854200", "description": says_who(person), "email": person.email,
                "phone": person.phone, "first_name": first, "last_name": last, "device_id": person.id_number,
                "account_id": "canary"}  # fmt: skip
        if title:
            data["attribute[title]"] = title
        for fmt in ("json", "xml"):
            response = Client().post(f"/open311/v2/requests.{fmt}", data)
            assert response.status_code == 201, response.content
            outputs.append((f"POST /open311/v2/requests.{fmt}", response))


def seed_answered() -> None:
    """One answer published (the question and answer carry no personal data), one answered privately (the answer
    names the citizen)."""
    operator, officer = User.objects.get(username="tongdai.1022"), User.objects.get(username="tuphap.anphu")
    office = Unit.objects.get(name="Văn phòng HĐND và UBND", parent__name="Ủy ban nhân dân xã An Phú")
    category = Category.objects.get(code="hoi-dap-thu-tuc")
    published = feedback_services.feedback_submit(
        channel="web", category=category, title=PUBLISHED_TITLE, content="Lệ phí chứng thực bản sao là bao nhiêu?",
        contact=feedback_contact(PUBLISHED),
    )  # fmt: skip
    private = feedback_services.feedback_submit(
        channel="web", category=category, title=f"Hỏi của {ANSWERED_PRIVATELY.name}",
        content=says_who(ANSWERED_PRIVATELY), address=ANSWERED_PRIVATELY.address,
        contact=feedback_contact(ANSWERED_PRIVATELY),
    )  # fmt: skip
    for feedback, publish in ((published, True), (private, False)):
        feedback_services.feedback_assign(actor=operator, feedback=feedback, unit=office)
        answer = "Lệ phí 2.000 đồng một trang." if publish else f"Kính gửi {ANSWERED_PRIVATELY.name}: đã sửa đèn."
        feedback_services.feedback_answer(actor=officer, feedback=feedback, answer=answer, publish=publish)


# --- every route an anonymous visitor can reach ----------------------------------------------------------------


def named_routes(patterns=None, namespace: str = "", params: tuple = ()):
    """(name, parameter names) of every leaf URL pattern, through every include."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        names = params + tuple(_parameters(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_routes(entry.url_patterns, inner, names)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", names
        else:  # the admin's old-style object redirect alone has no name, and it needs a login
            assert namespace == "admin:", f"unnamed route {entry.pattern}: the canary test cannot reach it"


def _parameters(pattern) -> list[str]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return list(converters)
    regex = getattr(pattern, "regex", None)
    return list(regex.groupindex) if regex is not None else []


def parameter_values() -> dict[str, list[str]]:
    feedback_codes = list(Feedback.objects.values_list("code", flat=True))
    dossier_codes = list(Dossier.objects.values_list("code", flat=True))
    open311_tokens = [str(token) for token in Feedback.objects.exclude(open311_token=None).values_list(
        "open311_token", flat=True)]  # fmt: skip
    return {
        "code": feedback_codes + dossier_codes,
        "service_request_id": feedback_codes,
        "fmt": ["json", "xml"],
        "service_code": list(Category.objects.values_list("code", flat=True)),
        "token": [*open311_tokens, "00000000-0000-0000-0000-000000000000", "gia-mao"],  # rating links: the sender's
    }


def route_urls() -> list[str]:
    values = parameter_values()
    urls = []
    for name, params in named_routes():
        choices = [values.get(param, ["1"]) for param in params]
        for combination in itertools.product(*choices):
            try:
                urls.append(reverse(name, kwargs=dict(zip(params, combination, strict=True))))
            except NoReverseMatch:
                continue  # a value the route's pattern refuses (a feedback code where a number is expected)
    return urls


def query_urls() -> list[str]:
    """The public answers that take their subject from the query string."""
    feedback_codes = ",".join(Feedback.objects.values_list("code", flat=True))
    urls = [f"/tra-cuu/?ma={code}" for code in Dossier.objects.values_list("code", flat=True)]
    urls += [f"/phan-anh/theo-doi/?ma={code}" for code in Feedback.objects.values_list("code", flat=True)]
    urls += [f"/open311/v2/requests.{fmt}?service_request_id={feedback_codes}" for fmt in ("json", "xml")]
    urls += [f"/open311/v2/requests.{fmt}?status=open" for fmt in ("json", "xml")]
    for query in ("Canary", "Zxqvbj", "079912", "0912345", "chung thuc"):
        urls += [f"/phan-anh/?q={query}", f"/api/v1/public/feedback?q={query}"]
    for unit in Unit.objects.filter(kind=Unit.Kind.PEOPLES_COMMITTEE)[:3]:
        urls += [f"/chat-luong-phuc-vu/?don-vi={unit.pk}", f"/chat-luong-phuc-vu/?don-vi={unit.pk}&xuat=xlsx"]
    urls += ["/chat-luong-phuc-vu/?ky=nam&xuat=xlsx", "/api/schema/?format=json"]
    return urls


def is_private(response) -> bool:
    login = response.status_code in (301, 302) and "dang-nhap" in response.get("Location", "")
    return login or response.status_code in (401, 403, 405)


def readable(response) -> str:
    """The body as text a person would read: XML parts of an .xlsx, JSON without escapes, HTML unescaped."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as workbook:
            text = " ".join(workbook.read(name).decode() for name in workbook.namelist() if name.endswith(".xml"))
    else:
        text = body.decode("utf-8", errors="replace")
        if response.get("Content-Type", "").startswith("application/json"):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    return html.unescape(text)


def leaks(text: str) -> list[str]:
    folded = fold(text)
    digits = text.replace(" ", "").replace(".", "").replace("-", "")
    needles = set().union(*(person.needles() for person in CITIZENS))
    return sorted(needle for needle in needles if needle in text or needle in folded or needle in digits)


def test_no_canary_in_any_public_output(demo):
    outputs = []
    seed_online(outputs)
    seed_desk()
    seed_hotline()
    seed_web(outputs)
    seed_open311(outputs)
    seed_answered()
    assert Feedback.objects.count() == 9 and Dossier.objects.count() == 2

    anonymous, public = Client(), {}
    for url in route_urls() + query_urls():
        cache.clear()  # the public lookups are rate-limited: every URL must answer its real body
        response = anonymous.get(url)
        if not is_private(response):
            public[url] = response
    public.update(outputs)

    found = {url: found for url, response in public.items() if (found := leaks(readable(response)))}
    assert found == {}, f"personal data in public outputs: {found}"

    # Not a vacuous pass: the routes that carry citizens' items were fetched and answered.
    answered = {url for url, response in public.items() if response.status_code == 200}
    published = Feedback.objects.get(is_public=True)
    for code in Feedback.objects.values_list("code", flat=True):
        assert {f"/phan-anh/{code}/", f"/api/v1/public/feedback/{code}", f"/open311/v2/requests/{code}.json",
                f"/open311/v2/requests/{code}.xml"} <= answered  # fmt: skip
    for code in Dossier.objects.values_list("code", flat=True):
        assert {f"/tra-cuu/?ma={code}", f"/api/v1/public/dossiers/{code}"} <= answered
    assert {"/", "/phan-anh/", "/chat-luong-phuc-vu/", "/api/schema/", "/open311/v2/requests.json"} <= answered
    assert PUBLISHED_TITLE in readable(public[f"/phan-anh/{published.code}/"])
    assert readable(public["/chat-luong-phuc-vu/?ky=nam&xuat=xlsx"]).strip()
