"""A local stand-in for VNPAY's payment page (demo and tests only; never a real payment).

It speaks the gateway's side of VNPAY 2.1.0: it checks the merchant's signed request, shows the amount with
"Thanh toán" and "Hủy", then calls the merchant's IPN URL server-to-server with a signed answer (as VNPAY does; the
IPN URL is registered with the gateway, not sent in the request) and redirects the browser to vnp_ReturnUrl with
the same signed answer. An expired request answers code 11, a cancelled one 24.

One implementation, two ways to run it:
- `Simulator(...)` is a plain WSGI application; `serve(simulator)` runs it in a thread on a free port (tests);
- `django_view` mounts it at /_vnpay-sim/ when settings.VNPAY_SIMULATOR is true (demo: `make run` without
  VNPAY_TMN_CODE), signing with the site's own VNPAY_HASH_SECRET and calling the site's own IPN URL.
"""

import datetime as dt
import html
import itertools
import json
import logging
import threading
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode
from urllib.request import urlopen
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from apps.payments.providers import (
    CANCELLED_BY_CUSTOMER,
    GMT7,
    SUCCESS,
    parse_vnpay_date,
    vnpay_date,
    vnpay_query,
    vnpay_sign,
)

log = logging.getLogger(__name__)
EXPIRED = "11"
_transaction_numbers = itertools.count(14_000_000)


class Simulator:
    def __init__(
        self,
        *,
        tmn_code: str,
        hash_secret: str,
        ipn_url: str | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        ipn_timeout: float = 10.0,
    ):
        self.tmn_code = tmn_code
        self.hash_secret = hash_secret
        self.ipn_url = ipn_url
        self.clock = clock or (lambda: dt.datetime.now(GMT7))
        self.ipn_timeout = ipn_timeout
        self.ipn_answers: list[dict] = []  # what the merchant answered, newest last (tests read it)

    # --- the gateway's side of the protocol --------------------------------------------------------------

    def check_request(self, params: dict) -> str | None:
        """Why the merchant's request is refused (VNPAY shows an error page), or None."""
        if not params.get("vnp_SecureHash") or vnpay_sign(self.hash_secret, params) != params["vnp_SecureHash"]:
            return "Sai chữ ký (mã lỗi 70)"
        if params.get("vnp_TmnCode") != self.tmn_code:
            return "Không tìm thấy website (mã lỗi 72)"
        if params.get("vnp_Version") != "2.1.0" or params.get("vnp_Command") != "pay":
            return "Dữ liệu gửi sang không đúng định dạng (mã lỗi 03)"
        if not str(params.get("vnp_Amount", "")).isdigit() or not params.get("vnp_ReturnUrl"):
            return "Dữ liệu gửi sang không đúng định dạng (mã lỗi 03)"
        return None

    def answer(self, params: dict, code: str) -> dict:
        """The signed answer for the return URL and the IPN."""
        answer = {
            "vnp_Amount": params["vnp_Amount"],
            "vnp_BankCode": "NCB",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": params.get("vnp_OrderInfo", ""),
            "vnp_PayDate": vnpay_date(self.clock()),
            "vnp_ResponseCode": code,
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionNo": str(next(_transaction_numbers)) if code == SUCCESS else "0",
            "vnp_TransactionStatus": SUCCESS if code == SUCCESS else "02",
            "vnp_TxnRef": params.get("vnp_TxnRef", ""),
        }
        if code == SUCCESS:
            answer["vnp_BankTranNo"] = f"VNP{answer['vnp_TransactionNo']}"
        answer["vnp_SecureHash"] = vnpay_sign(self.hash_secret, answer)
        return answer

    def call_ipn(self, answer: dict, ipn_url: str | None) -> dict | None:
        if not ipn_url:
            return None
        url = f"{ipn_url}?{vnpay_query(self.hash_secret, answer)}"
        try:
            with urlopen(url, timeout=self.ipn_timeout) as response:
                body = json.loads(response.read().decode("utf-8"))
        except (OSError, ValueError) as error:
            log.warning("simulator: IPN %s failed: %s", ipn_url, error)
            body = {"RspCode": "", "Message": str(error)}
        self.ipn_answers.append(body)
        return body

    # --- pages ---------------------------------------------------------------------------------------

    def handle(self, method: str, path: str, params: dict, *, ipn_url: str | None = None) -> tuple[str, list, bytes]:
        """(status, headers, body) for a request to the simulator; `path` is relative to where it is mounted."""
        ipn_url = ipn_url or self.ipn_url
        problem = self.check_request(params)
        if problem:
            return _page("400 Bad Request", "Giao dịch không hợp lệ", f"<p class='error'>{html.escape(problem)}</p>")
        expires = parse_vnpay_date(params.get("vnp_ExpireDate", ""))
        action = params.get("sim_action", "") if method == "POST" else ""
        if expires is not None and self.clock() > expires:
            action = "expired"
        if not action:
            return self.payment_page(params)
        code = {"pay": SUCCESS, "cancel": CANCELLED_BY_CUSTOMER, "expired": EXPIRED}.get(action)
        if code is None:
            return _page("400 Bad Request", "Giao dịch không hợp lệ", "<p class='error'>Thao tác không hợp lệ</p>")
        answer = self.answer(params, code)
        self.call_ipn(answer, ipn_url)
        separator = "&" if "?" in params["vnp_ReturnUrl"] else "?"
        location = f"{params['vnp_ReturnUrl']}{separator}{urlencode(answer)}"
        return "302 Found", [("Location", location)], b""

    def payment_page(self, params: dict) -> tuple[str, list, bytes]:
        amount = f"{int(params['vnp_Amount']) // 100:,}".replace(",", ".")
        fields = "".join(
            f'<input type="hidden" name="{html.escape(key)}" value="{html.escape(value)}">'
            for key, value in params.items()
            if key.startswith("vnp_")
        )
        body = (
            "<p>Cổng thanh toán mô phỏng — không trừ tiền thật.</p>"
            f"<p>Đơn vị: <b>{html.escape(params['vnp_TmnCode'])}</b></p>"
            f"<p>Nội dung: {html.escape(params.get('vnp_OrderInfo', ''))}</p>"
            f"<p>Mã giao dịch: {html.escape(params.get('vnp_TxnRef', ''))}</p>"
            f"<p>Số tiền: <b id='amount'>{amount} VND</b></p>"
            f'<form method="post">{fields}'
            '<button name="sim_action" value="pay" type="submit">Thanh toán</button> '
            '<button name="sim_action" value="cancel" type="submit">Hủy</button></form>'
        )
        return _page("200 OK", "Thanh toán qua VNPAY (mô phỏng)", body)

    # --- WSGI -------------------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        params = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = environ["wsgi.input"].read(length).decode("utf-8") if length else ""
            params.update(parse_qsl(form, keep_blank_values=True))
        status, headers, body = self.handle(method, environ.get("PATH_INFO", "/"), params)
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]


def _page(status: str, title: str, body: str) -> tuple[str, list, bytes]:
    document = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body><main><h1>{html.escape(title)}</h1>{body}</main>"
        "</body></html>"
    )
    return status, [("Content-Type", "text/html; charset=utf-8")], document.encode("utf-8")


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        log.debug("simulator: " + format, *args)


class _ThreadingServer(WSGIServer):
    daemon_threads = True


def serve(simulator: Simulator, host: str = "127.0.0.1") -> tuple[WSGIServer, str]:
    """Run the simulator on a free port in a daemon thread; returns the server (call .shutdown()) and its URL."""
    server = make_server(host, 0, simulator, server_class=_ThreadingServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True, name="vnpay-simulator").start()
    return server, f"http://{host}:{server.server_port}"


# --- mounted in the site (settings.VNPAY_SIMULATOR) ------------------------------------------------------


def django_view(request, path: str = ""):
    from django.conf import settings
    from django.http import Http404, HttpResponse
    from django.urls import reverse

    if not settings.VNPAY_SIMULATOR:
        raise Http404
    simulator = Simulator(tmn_code=settings.VNPAY_TMN_CODE, hash_secret=settings.VNPAY_HASH_SECRET)
    ipn_url = getattr(settings, "VNPAY_SIMULATOR_IPN_URL", "") or request.build_absolute_uri(
        reverse("v1:payment-vnpay-ipn")
    )
    params = {key: request.GET[key] for key in request.GET}
    if request.method == "POST":
        params.update({key: request.POST[key] for key in request.POST if key != "csrfmiddlewaretoken"})
    status, headers, body = simulator.handle(request.method, path, params, ipn_url=ipn_url)
    response = HttpResponse(body, status=int(status.split()[0]))
    for name, value in headers:
        response[name] = value
    return response
