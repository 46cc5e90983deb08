"""Accessibility checks with axe-core (vendored in static/vendor/axe-core)."""

import json

from django.conf import settings

AXE_STATIC_PATH = "vendor/axe-core/axe.min.js"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


def axe_violations(page) -> list[dict]:
    """Every axe violation on the page as it is now (once it has loaded: a check right
    after a click could otherwise meet a document still being replaced)."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Loaded from the app's own origin: the page's CSP (script-src 'self') stays on,
        # so the test also proves the page works under it.
        origin = page.evaluate("() => window.location.origin")
        page.add_script_tag(url=f"{origin}{settings.STATIC_URL}{AXE_STATIC_PATH}")
    result = page.evaluate("async () => await window.axe.run(document)")
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:160]}")
            if node.get("failureSummary"):
                summary = " ".join(node["failureSummary"].split())
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """No axe violation of impact serious or critical on the current page."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"Accessibility violations on {page.url}:\n{describe(blocking)}"
