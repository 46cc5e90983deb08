"""The image holds the source and the runtime requirements only: its build context leaves out
local state (the embedded database, backups, media, the virtual environment, git), and the
requirements it installs hold no test or development tool."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
TEST_TOOLS = {
    "pytest",
    "pytest-django",
    "pytest-xdist",
    "pytest-cov",
    "pytest-randomly",
    "hypothesis",
    "hypothesis-graphql",
    "factory-boy",
    "faker",
    "playwright",
    "schemathesis",
    "time-machine",
    "ruff",
    "coverage",
    "mypy",
    "pypdf",
    "pip-audit",
}


def _pattern(pattern: str) -> re.Pattern:
    """A .dockerignore line as Docker reads it: relative to the context's root, `*` and `?`
    within one path element, `**` across any number of them."""
    pattern = pattern.strip().strip("/")
    regex, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex, i = regex + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            regex, i = regex + ".*", i + 2
        elif pattern[i] == "*":
            regex, i = regex + "[^/]*", i + 1
        elif pattern[i] == "?":
            regex, i = regex + "[^/]", i + 1
        else:
            regex, i = regex + re.escape(pattern[i]), i + 1
    return re.compile(regex + r"\Z")


def _rules() -> list[tuple[bool, re.Pattern]]:
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        rules.append((exception, _pattern(line.lstrip("!"))))
    return rules


def ignored(path: str) -> bool:
    """A path is left out when it, or a folder above it, matches (the last match decides)."""
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    result = False
    for exception, pattern in _rules():
        if any(pattern.match(candidate) for candidate in candidates):
            result = not exception
    return result


@pytest.mark.parametrize(
    "path",
    [
        ".git/HEAD",
        ".venv/bin/python",
        "var/pgdata/PG_VERSION",
        "var/keys/siv_field_key",
        "var/backups/siv-20260101-0200.dump",
        "var/media/reports/rapport.pdf",
        "media/upload.pdf",
        "staticfiles/css/siv.css",
        "test-artifacts/trace.zip",
        "db.sqlite3",
        "scripts/gammel.sqlite3",
        "siv-kopi.dump",
        "scripts/siv-kopi.dump",
        ".env",
        ".pytest_cache/v/cache",
        "siv/__pycache__/settings.cpython-311.pyc",
    ],
)
def test_the_build_context_leaves_out_local_state(path):
    assert ignored(path), path


@pytest.mark.parametrize(
    "path",
    ["manage.py", "requirements.txt", "siv/settings.py", "templates/base.html", "demo/apps.py"],
)
def test_the_build_context_keeps_the_source(path):
    assert not ignored(path), path


def _names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "-")):
            names.add(canonicalize_name(Requirement(line).name))
    return names


def test_the_runtime_requirements_hold_no_test_tool():
    runtime = _names(ROOT / "requirements.txt")
    assert not runtime & TEST_TOOLS
    # …and every direct runtime dependency, pinned.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    direct = {canonicalize_name(Requirement(d).name) for d in pyproject["project"]["dependencies"]}
    assert direct <= runtime, direct - runtime


def test_the_development_requirements_add_the_test_tools_to_the_runtime_set():
    dev = ROOT / "requirements-dev.txt"
    lines = [line for line in dev.read_text().splitlines() if line and not line.startswith("#")]
    assert lines[0] == "-r requirements.txt"
    assert {"pytest", "pytest-django", "hypothesis", "playwright", "ruff"} <= _names(dev)
    assert not _names(dev) & _names(ROOT / "requirements.txt")


def test_the_image_installs_only_the_runtime_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()
    installs = [line for line in dockerfile.splitlines() if "pip install" in line]
    assert installs == ["RUN pip install --no-cache-dir -r requirements.txt"]
    assert "requirements-dev" not in dockerfile


def test_make_installs_both_and_reinstalls_when_either_changes():
    makefile = (ROOT / "Makefile").read_text()
    target = re.search(r"^\$\(VENV\)/\.installed:(.*)$", makefile, re.MULTILINE)
    assert target and set(target.group(1).split()) == {"requirements.txt", "requirements-dev.txt"}
    assert "pip install --quiet -r requirements.txt -r requirements-dev.txt" in makefile


def test_every_base_image_is_pinned_by_digest():
    dockerfile = (ROOT / "Dockerfile").read_text()
    bases = re.findall(r"^FROM\s+(\S+)", dockerfile, re.MULTILINE)
    assert bases
    for base in bases:
        assert re.fullmatch(r"[\w./:-]+@sha256:[0-9a-f]{64}", base), base
