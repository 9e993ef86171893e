"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/: discovery, services, service
definitions, service requests (post, list, one) and tokens, in JSON and XML.

Our categories are the services; a request is a feedback item. The public status is open or closed; our own
status goes into status_notes. Contact details are accepted on POST and never returned; the description, the
address, the coordinates and the answer are returned only once the unit published the item (as on the public
pages); until then a request shows its id, status, dates and the catalogue's service and agency names. A request
posted without a title is titled with its service's name, never with words of its description."""

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.errors import DomainError
from apps.core.ratelimit import over_limit
from apps.feedback import services
from apps.feedback.models import Category, Feedback, Open311Key
from apps.procedures.models import Procedure

CHANGESET = "2026-11-25T00:00:00+07:00"
DEFAULT_WINDOW_DAYS = 90
MAX_REQUESTS = 1000
CLOSED = (Feedback.Status.FORWARDED, Feedback.Status.ANSWERED, Feedback.Status.CLOSED)
REQUEST_FIELDS = ("service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url")  # fmt: skip


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


# --- rendering -------------------------------------------------------------------------------------------


def _xml_value(parent: ET.Element, name: str, value) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, list):
        item_name = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}[name]
        for item in value:
            if isinstance(item, dict):
                _xml_dict(ET.SubElement(element, item_name), item)
            else:
                ET.SubElement(element, item_name).text = str(item)
    elif isinstance(value, dict):
        _xml_dict(element, value)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def _xml_dict(element: ET.Element, data: dict) -> None:
    for name, value in data.items():
        _xml_value(element, name, value)


def render(data, fmt: str, *, root: str = "", item: str = "", status: int = 200) -> HttpResponse:
    """JSON as is; XML as <root><item>…</item></root> for lists, <root>…</root> for one object."""
    if fmt == "json":
        import json

        body = json.dumps(data, ensure_ascii=False, default=str)
        return HttpResponse(body, content_type="application/json; charset=utf-8", status=status)
    top = ET.Element(root)
    if isinstance(data, list):
        for entry in data:
            _xml_dict(ET.SubElement(top, item), entry)
    else:
        _xml_dict(top, data)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
    return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render([{"code": status, "description": description}], fmt, root="errors", item="error", status=status)


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _handle(view):
    """Open311's own error shape for our errors, in the format asked for."""

    def wrapped(request, fmt: str, *args, **kwargs):
        try:
            return view(request, fmt, *args, **kwargs)
        except Open311Error as problem:
            return error(fmt, problem.status, problem.description)
        except DomainError as problem:
            return error(fmt, problem.status, problem.message)

    wrapped.__name__ = view.__name__
    return wrapped


def _check_jurisdiction(request) -> None:
    jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
    if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION:
        raise Open311Error(404, _("Không phục vụ jurisdiction_id này."))


# --- discovery and services ------------------------------------------------------------------------------


@require_GET
@_handle
def discovery(request, fmt: str):
    url = request.build_absolute_uri(reverse("open311:discovery", args=["json"]).rsplit("/", 1)[0] + "/")
    return render({
        "changeset": CHANGESET,
        "contact": _("Tổng đài 1022 — Trung tâm Phục vụ hành chính công"),
        "key_service": _("Liên hệ quản trị hệ thống để được cấp api_key."),
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2", "url": url, "changeset": CHANGESET,
            "type": "production", "formats": ["text/xml", "application/json"],
        }],
    }, fmt, root="discovery")  # fmt: skip


def _service(category: Category) -> dict:
    return {
        "service_code": category.code, "service_name": category.name, "description": category.description,
        "metadata": True, "type": "realtime", "keywords": category.keywords, "group": category.get_group_display(),
    }  # fmt: skip


@require_GET
@_handle
def service_list(request, fmt: str):
    _check_jurisdiction(request)
    services_ = [_service(category) for category in Category.objects.filter(is_active=True)]
    return render(services_, fmt, root="services", item="service")


def attributes_of(category: Category) -> list[dict]:
    """Extra fields of a service: a title, the dossier concerned (required for a late dossier), the procedure."""
    procedures = Procedure.objects.filter(is_active=True).order_by("code").values_list("code", "name")
    return [
        {"variable": True, "code": "title", "datatype": "string", "required": False,
         "datatype_description": _("Tối đa 255 ký tự"), "order": 1, "description": _("Tiêu đề ngắn gọn")},
        {"variable": True, "code": "dossier_code", "datatype": "string", "required": category.code == "ho-so-tre-han",
         "datatype_description": _("Mã trên giấy hẹn, ví dụ H99.24-261125-0001"), "order": 2,
         "description": _("Mã hồ sơ liên quan")},
        {"variable": True, "code": "procedure_code", "datatype": "singlevaluelist", "required": False,
         "datatype_description": "", "order": 3, "description": _("Thủ tục hành chính liên quan"),
         "values": [{"key": code, "name": name} for code, name in procedures]},
    ]  # fmt: skip


@require_GET
@_handle
def service_definition(request, fmt: str, service_code: str):
    _check_jurisdiction(request)
    category = Category.objects.filter(code=service_code, is_active=True).first()
    if category is None:
        raise Open311Error(404, _("Không có dịch vụ %(code)s.") % {"code": service_code})
    return render({"service_code": category.code, "attributes": attributes_of(category)}, fmt,
                  root="service_definition")  # fmt: skip


# --- requests --------------------------------------------------------------------------------------------


def request_entry(feedback: Feedback) -> dict:
    public = feedback.is_public
    notes = feedback.get_status_display()
    if feedback.status in CLOSED and public:
        notes = f"{notes}: {feedback.answer}"
    return {
        "service_request_id": feedback.code,
        "status": "closed" if feedback.status in CLOSED else "open",
        "status_notes": notes,
        "service_name": feedback.category.name,
        "service_code": feedback.category.code,
        "description": feedback.content if public else "",
        "agency_responsible": feedback.assigned_unit.name if feedback.assigned_unit else feedback.receiving_unit.name,
        "service_notice": _("Hạn trả lời: %(due)s") % {"due": timezone.localtime(feedback.due_at).strftime("%d/%m/%Y")},
        "requested_datetime": _iso(feedback.received_at),
        "updated_datetime": _iso(feedback.updated_at),
        "expected_datetime": _iso(feedback.due_at),
        "address": feedback.address if public else "",
        "address_id": "",
        "zipcode": "",
        "lat": float(feedback.latitude) if public and feedback.latitude is not None else None,
        "long": float(feedback.longitude) if public and feedback.longitude is not None else None,
        "media_url": "",
    }


def _date_param(request, name: str) -> dt.datetime | None:
    raw = request.GET.get(name)
    if not raw:
        return None
    value = parse_datetime(raw.replace(" ", "+"))  # a "+" in a query string arrives as a space
    if value is None:
        raise Open311Error(400, _("%(name)s phải theo ISO 8601, ví dụ 2026-11-25T00:00:00+07:00.") % {"name": name})
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _requests_matching(request):
    items = Feedback.objects.select_related("category", "assigned_unit", "receiving_unit")
    ids = [code.strip() for code in request.GET.get("service_request_id", "").split(",") if code.strip()]
    if ids:  # the other filters are ignored when ids are given
        return items.filter(code__in=ids[:MAX_REQUESTS]).order_by("-received_at")
    end = _date_param(request, "end_date") or timezone.now()
    start = _date_param(request, "start_date") or end - dt.timedelta(days=DEFAULT_WINDOW_DAYS)
    if start > end:
        raise Open311Error(400, _("start_date phải trước end_date."))
    if end - start > dt.timedelta(days=DEFAULT_WINDOW_DAYS):
        raise Open311Error(400, _("Khoảng thời gian tối đa là 90 ngày."))
    items = items.filter(received_at__gte=start, received_at__lte=end)
    codes = [code for code in request.GET.get("service_code", "").split(",") if code]
    if codes:
        items = items.filter(category__code__in=codes)
    statuses = {status for status in request.GET.get("status", "").split(",") if status}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status chỉ nhận open hoặc closed."))
    if statuses == {"open"}:
        items = items.exclude(status__in=CLOSED)
    elif statuses == {"closed"}:
        items = items.filter(status__in=CLOSED)
    return items.order_by("-received_at")[:MAX_REQUESTS]


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_handle
def requests_view(request, fmt: str):
    _check_jurisdiction(request)
    if request.method == "POST":
        return _post_request(request, fmt)
    entries = [request_entry(feedback) for feedback in _requests_matching(request)]
    return render(entries, fmt, root="service_requests", item="request")


def _decimal(value: str | None, name: str):
    if not value:
        return None
    try:
        return Decimal(value).quantize(Decimal("0.000001"))
    except InvalidOperation as problem:
        raise Open311Error(400, _("%(name)s không hợp lệ.") % {"name": name}) from problem


def untitled(category: Category) -> str:
    """The title of a request posted without one: its service, never words of the description (which names the
    sender more often than not). Stored, so always in the site's language, whatever the client's."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Phản ánh: %(service)s") % {"service": category.name}


def _post_request(request, fmt: str):
    data = request.POST
    client = Open311Key.objects.filter(key=data.get("api_key", ""), is_active=True).first()
    if client is None:
        raise Open311Error(403, _("api_key không hợp lệ."))
    if over_limit(request, f"open311:{client.pk}", 120):
        raise Open311Error(429, _("Gửi quá nhiều yêu cầu, vui lòng thử lại sau."))
    category = Category.objects.filter(code=data.get("service_code", ""), is_active=True).first()
    if category is None:
        raise Open311Error(400, _("service_code không hợp lệ."))
    latitude, longitude = _decimal(data.get("lat"), "lat"), _decimal(data.get("long"), "long")
    address = data.get("address_string", "") or data.get("address_id", "")
    if latitude is None and not address:
        raise Open311Error(400, _("Cần lat và long, hoặc address_string."))
    attributes = {code: data.get(f"attribute[{code}]", "").strip() for code in ("title", "dossier_code",
                                                                                 "procedure_code")}  # fmt: skip
    for attribute in attributes_of(category):
        if attribute["required"] and not attributes[attribute["code"]]:
            raise Open311Error(400, _("Thiếu thuộc tính %(code)s.") % {"code": attribute["code"]})
    procedure = (
        Procedure.objects.filter(code=attributes["procedure_code"]).first() if attributes["procedure_code"] else None
    )
    description = data.get("description", "")
    name = " ".join(part for part in (data.get("last_name", ""), data.get("first_name", "")) if part)
    feedback = services.feedback_submit(
        channel=Feedback.Channel.OPEN311, category=category, title=attributes["title"] or untitled(category),
        content=description, address=address, latitude=latitude, longitude=longitude,
        dossier_code=attributes["dossier_code"], procedure=procedure, device_id=data.get("device_id", ""),
        contact={"contact_name": name, "contact_phone": data.get("phone", ""), "contact_email": data.get("email", "")},
        open311_client=client,
    )  # fmt: skip
    body = [
        {
            "service_request_id": feedback.code,
            "token": str(feedback.open311_token),
            "service_notice": request_entry(feedback)["service_notice"],
            "account_id": data.get("account_id", ""),
        }
    ]
    return render(body, fmt, root="service_requests", item="request", status=201)  # fmt: skip


@require_GET
@_handle
def request_detail(request, fmt: str, service_request_id: str):
    _check_jurisdiction(request)
    feedback = (
        Feedback.objects.select_related("category", "assigned_unit", "receiving_unit")
        .filter(code=service_request_id)
        .first()
    )
    if feedback is None:
        raise Open311Error(404, _("Không tìm thấy yêu cầu %(id)s.") % {"id": service_request_id})
    return render([request_entry(feedback)], fmt, root="service_requests", item="request")


@require_GET
@_handle
def token_detail(request, fmt: str, token: str):
    _check_jurisdiction(request)
    try:
        feedback = Feedback.objects.filter(open311_token=token).only("code").first()
    except (ValueError, ValidationError, DomainError):  # not a UUID
        feedback = None
    if feedback is None:
        raise Open311Error(404, _("Không tìm thấy token này."))
    return render([{"service_request_id": feedback.code, "token": token}], fmt, root="service_requests", item="request")
