"""Templates stay readable: no line over 160 characters (issue "Lean core", section 4).

CI also runs djhtml over the HTML templates; this test covers the line length, which
djhtml does not check."""

from pathlib import Path

from django.conf import settings
from django.template import engines
from django.template.utils import get_app_template_dirs

MAX_LINE_LENGTH = 160


def project_template_dirs():
    """The project's `templates/` and every app's `templates/` inside this repository;
    installed packages (admin, allauth) bring their own and are not ours to wrap."""
    base = Path(settings.BASE_DIR).resolve()
    dirs = {Path(d).resolve() for engine in engines.all() for d in engine.dirs}
    dirs |= {Path(d).resolve() for d in get_app_template_dirs("templates")}
    return sorted(d for d in dirs if d.is_relative_to(base) and ".venv" not in d.parts)


def template_files():
    for directory in project_template_dirs():
        for path in sorted(directory.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".txt", ".xml"}:
                yield path


def test_the_project_templates_directory_is_walked():
    assert Path(settings.BASE_DIR).resolve() / "templates" in project_template_dirs()
    assert any(path.name == "base.html" for path in template_files())


def long_lines():
    """{relative path: [(line number, length), ...]} for every line over the limit."""
    base = Path(settings.BASE_DIR).resolve()
    found = {}
    for path in template_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if len(line) > MAX_LINE_LENGTH:
                found.setdefault(str(path.relative_to(base)), []).append((number, len(line)))
    return found


def test_no_template_line_is_longer_than_160_characters():
    too_long = [
        f"{name}:{number} ({length} characters)"
        for name, lines in long_lines().items()
        for number, length in lines
    ]
    assert not too_long, "Template lines over 160 characters:\n" + "\n".join(too_long)
