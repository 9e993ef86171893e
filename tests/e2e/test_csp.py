"""The pages pass their Content-Security-Policy: no violation reported by the browser on the main pages."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

# Injected by the browser driver, not by the page: it runs whatever the policy says and records every violation.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""
PUBLIC = ["/", "/thu-tuc/", "/tra-cuu/", "/phan-anh/", "/phan-anh/gui/", "/chat-luong-phuc-vu/",
          "/tai-khoan/dang-nhap/", "/trang-khong-co/"]  # fmt: skip
STAFF = ["/can-bo/", "/can-bo/ho-so/", "/can-bo/ho-so/tiep-nhan/", "/can-bo/ho-so/so-theo-doi/", "/can-bo/phan-anh/",
         "/can-bo/chat-luong-phuc-vu/", "/can-bo/don-vi/", "/can-bo/lich/"]  # fmt: skip
ADMIN = ["/admin/", "/admin/org/unit/", "/admin/org/user/", "/admin/org/user/add/", "/admin/org/unit/add/"]


def watch(page) -> list[str]:
    messages = []
    page.on("console", lambda m: "Content Security Policy" in m.text and messages.append(m.text))
    page.add_init_script(RECORD_VIOLATIONS)
    return messages


def visit_all(page, site: str, paths: list[str], console: list[str]) -> None:
    for path in paths:
        response = page.goto(f"{site}{path}")
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("load")
        assert page.evaluate("window.__cspViolations") == [], path
    assert console == []


def test_public_and_staff_pages_report_no_policy_violation(page, site):
    console = watch(page)
    visit_all(page, site, PUBLIC, console)
    sign_in(page, site, "motcua.anphu")
    visit_all(page, site, STAFF, console)
    page.goto(f"{site}/can-bo/ho-so/tiep-nhan/")
    page.get_by_label("Ngôn ngữ").select_option("en")  # the handler lives in a static file now
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_admin_and_api_docs_report_no_policy_violation(page, site):
    console = watch(page)
    sign_in(page, site, "admin")
    visit_all(page, site, ADMIN, console)
    page.goto(f"{site}/api/docs/")
    expect(page.locator("#swagger-ui .info")).to_be_visible()  # Swagger UI started: its script is a file
    assert page.evaluate("window.__cspViolations") == [] and console == []
