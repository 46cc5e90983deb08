"""The demo app stays outside the product: installed only for the demo, the tests and the
bench, and imported by no product module."""

import ast
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.bench import settings as bench_settings

BASE_DIR = Path(settings.BASE_DIR)
OUTSIDE_THE_PRODUCT = {"demo", "tests"}


def product_modules() -> list[Path]:
    """Every Python file of the product: all but the demo, the tests and hidden folders
    (the virtualenv)."""
    return [
        path
        for path in BASE_DIR.rglob("*.py")
        if not (
            path.relative_to(BASE_DIR).parts[0] in OUTSIDE_THE_PRODUCT
            or any(part.startswith(".") for part in path.relative_to(BASE_DIR).parts)
        )
    ]


def demo_imports(tree: ast.AST) -> list[str]:
    """The demo modules a module imports, by statement or by importlib."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(node.args[0].value)
    return [name for name in found if name == "demo" or name.startswith("demo.")]


def test_no_product_module_imports_the_demo():
    modules = product_modules()
    offenders = {
        str(path.relative_to(BASE_DIR)): names
        for path in modules
        if (names := demo_imports(ast.parse(path.read_text(encoding="utf-8"))))
    }

    assert BASE_DIR / "partnerships" / "models.py" in modules
    assert BASE_DIR / "demo" / "partnerships.py" not in modules
    assert offenders == {}


def test_the_scan_sees_each_way_of_importing_the_demo():
    source = (
        "import demo.scale\n"
        "from demo import partnerships\n"
        "from demo.context import DemoContext\n"
        "importlib.import_module('demo.pbr')\n"
        "from demography import x\n"
        "from . import demo\n"
    )

    assert demo_imports(ast.parse(source)) == [
        "demo.scale",
        "demo",
        "demo.context",
        "demo.pbr",
    ]


def installed_apps(**environment: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "SIV_DEMO"} | environment
    result = subprocess.run(
        [sys.executable, "-c", "from siv import settings; print(*settings.INSTALLED_APPS)"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_production_installs_the_demo_only_when_asked():
    assert "demo" not in installed_apps()
    assert "demo" not in installed_apps(SIV_DEMO="0")
    assert installed_apps(SIV_DEMO="1").count("demo") == 1


def test_the_tests_and_the_bench_install_the_demo_once():
    assert settings.INSTALLED_APPS.count("demo") == 1
    assert bench_settings.INSTALLED_APPS.count("demo") == 1
    assert "scale" not in settings.INSTALLED_APPS
