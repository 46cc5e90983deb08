"""`make test` audits the pinned dependencies with pip-audit (ASVS 14.2.1, 1.14.3): a known
vulnerability fails the build; a vulnerability service out of reach passes it with a notice,
so the tests still run offline."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from scripts.dependency_audit import verdict

ROOT = Path(__file__).resolve().parents[2]


def report(*dependencies) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_a_known_vulnerability_fails_the_audit():
    result = verdict(
        1,
        report(
            {"name": "django", "version": "5.2.19", "vulns": []},
            {
                "name": "jinja2",
                "version": "2.10",
                "vulns": [{"id": "PYSEC-2019-217", "fix_versions": ["2.10.1"]}],
            },
        ),
        "",
    )
    assert not result.passed
    assert "jinja2 2.10: PYSEC-2019-217 (fixed in 2.10.1)" in result.message


def test_audited_packages_without_vulnerabilities_pass():
    result = verdict(
        0,
        report(
            {"name": "django", "version": "5.2.19", "vulns": []},
            {"name": "celery", "skip_reason": "Dependency not found on PyPI"},
        ),
        "",
    )
    assert result.passed
    assert result.message == (
        "Dependency audit: 1 pinned packages, no known vulnerabilities (1 not known to the "
        "service)."
    )


def test_a_service_that_knows_no_pinned_version_passes_with_a_notice_that_nothing_was_audited():
    result = verdict(0, report({"name": "celery", "skip_reason": "not found"}), "")
    assert result.passed
    assert result.message.startswith("NOTICE: dependency audit skipped")
    assert "Nothing was audited" in result.message


def test_another_failure_of_pip_audit_fails_the_audit():
    result = verdict(1, "", "pip_audit: error: invalid requirement: 'django=='")
    assert not result.passed
    assert "invalid requirement" in result.message


def test_an_unreachable_service_passes_with_a_clear_notice():
    """The real pip-audit, with every request sent to a proxy that refuses the connection."""
    closed = "http://127.0.0.1:9"
    environment = {**os.environ, "HTTPS_PROXY": closed, "HTTP_PROXY": closed, "NO_PROXY": ""}
    run = subprocess.run(
        [sys.executable, "scripts/dependency_audit.py"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "the vulnerability service could not be reached" in run.stdout


def test_make_test_runs_the_audit_before_the_suite():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^test: \$\(VENV\)/\.installed\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    steps = recipe.group(1).splitlines()
    audit = next(i for i, step in enumerate(steps) if "scripts/dependency_audit.py" in step)
    suite = next(i for i, step in enumerate(steps) if "-m pytest" in step)
    assert audit < suite
