"""One spelling of the interface's words: the Retskrivningsordbog's main forms (the
imperative without an accent: "Registrer", "Annuller", "Filtrer") and the glossary's terms.
A variant anywhere in the product's templates or Python text fails here, naming the file."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "siv",
    "siv_api",
    "partnerships",
    "accelerator",
    "participants",
    "privacy",
    "pbr",
    "reporting",
    "economy",
    "documents",
    "demo",
    "templates",
    "static/js",
)
SUFFIXES = {".py", ".html", ".txt", ".js"}

# variant (a regular expression) -> the form to write
VARIANTS = {
    # Imperatives of -ere verbs: the Retskrivningsordbog's main form has no accent.
    r"\b[A-ZÆØÅa-zæøå]+(?:ér)\b": "the imperative without an accent (Registrer, Annuller)",
    r"\bCPR nummer\b|\bcpr-nummer\b|\bCPR-nr\b": "CPR-nummer",
}


def _files():
    for app in APPS:
        base = ROOT / app
        for path in base.rglob("*"):
            if path.suffix in SUFFIXES and "migrations" not in path.parts and path.is_file():
                if "vendor" in path.parts or path.name.endswith(".min.js"):
                    continue
                yield path


def _interface_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        # Only the text a user can read: the strings handed to gettext.
        return "\n".join(re.findall(r"_\(\s*([\"'].*?[\"'])\s*[,)]", text, flags=re.S))
    return text


@pytest.mark.parametrize("pattern", list(VARIANTS), ids=list(VARIANTS.values()))
def test_the_interface_spells_each_word_one_way(pattern):
    found = []
    for path in _files():
        for line in _interface_text(path).splitlines():
            if re.search(pattern, line):
                found.append(f"{path.relative_to(ROOT)}: {line.strip()[:100]}")
    assert not found, f"Write {VARIANTS[pattern]}:\n" + "\n".join(found)


def test_the_check_finds_a_variant(tmp_path):
    """The patterns catch what they are for (a test that could not fail would be no test)."""
    assert re.search(list(VARIANTS)[0], "Registrér timer")
    assert not re.search(list(VARIANTS)[0], "Registrer timer")
