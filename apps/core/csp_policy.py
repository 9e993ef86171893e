"""django-csp builds the Content-Security-Policy header from the settings anew for every response: about 50 µs, a
quarter of a bare Django view. A response that changes nothing in the policy (no csp_update/csp_replace decorator,
no nonce asked for) gets the policy of the settings alone, so `build_policy` keeps that one string per header and
builds it again only after a setting changed (tests' override_settings). Any other response is built by the
library as before."""

import inspect

from csp import middleware, utils
from django.core.signals import setting_changed

_library_build_policy = utils.build_policy
_EXPECTED = ["config", "update", "replace", "nonce", "report_only"]
_built: dict[bool, str] = {}


def build_policy(config=None, update=None, replace=None, nonce=None, report_only: bool = False) -> str:
    if config is None and update is None and replace is None and nonce is None:
        policy = _built.get(report_only)
        if policy is None:
            policy = _built[report_only] = _library_build_policy(report_only=report_only)
        return policy
    return _library_build_policy(config=config, update=update, replace=replace, nonce=nonce, report_only=report_only)


def forget(**_kwargs) -> None:
    _built.clear()


def install() -> None:
    """Put `build_policy` in place of the one django-csp's middleware calls. Should the library change its
    signature, the start-up fails here rather than caching what a new argument would change."""
    if list(inspect.signature(_library_build_policy).parameters) != _EXPECTED:
        raise RuntimeError("csp.utils.build_policy changed its arguments: review apps/core/csp_policy.py")
    middleware.build_policy = build_policy
    setting_changed.connect(forget, dispatch_uid="congvu-csp-policy")
