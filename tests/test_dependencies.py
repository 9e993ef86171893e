"""`make run` installs requirements.lock only (the test tools are in requirements-dev.lock): every package the
application's own code imports must be in the runtime lock, or the server does not start on a fresh machine (it
happened: pypdf and requests were only in the dev lock)."""

import ast
import importlib.metadata
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = {"apps", "congvu", "bench", "tests"}


def _runtime_lock() -> set[str]:
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    return {line.split("==")[0].strip().lower().replace("_", "-") for line in lines if "==" in line}


def _imported_top_level_modules() -> dict[str, Path]:
    found = {}
    for path in [*ROOT.joinpath("apps").rglob("*.py"), *ROOT.joinpath("congvu").rglob("*.py")]:
        if "tests" in path.parts or path.name == "conftest.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], path)
    return found


def test_every_package_the_application_imports_is_in_the_runtime_lock():
    lock, distributions = _runtime_lock(), importlib.metadata.packages_distributions()
    missing = {}
    for module, path in _imported_top_level_modules().items():
        if module in sys.stdlib_module_names or module in FIRST_PARTY:
            continue
        names = {name.lower().replace("_", "-") for name in distributions.get(module, [])}
        if not names & lock:
            missing[module] = str(path.relative_to(ROOT))
    assert missing == {}
