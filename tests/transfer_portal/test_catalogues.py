"""The committed .mo files are what bin/compilemessages makes of the .po files: a catalogue
edited but not compiled (or one msgfmt refuses) would show English or old texts."""

import gettext
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    path
    for pattern in ("locale/*/LC_MESSAGES/*.po", "*/locale/*/LC_MESSAGES/*.po")
    for path in ROOT.glob(pattern)
)


@pytest.fixture(scope="module")
def msgfmt():
    path = shutil.which("msgfmt")
    if path is None and not os.environ.get("CI"):
        pytest.skip("msgfmt is not installed (apt-get install gettext)")
    assert path, "msgfmt is missing: .ci/run installs gettext"
    return path


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 6


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_each_compiled_catalogue_is_up_to_date(msgfmt, po, tmp_path):
    compiled = tmp_path / "django.mo"
    result = subprocess.run(  # noqa: S603 - fixed command on our own files
        [msgfmt, "--check-format", "-o", str(compiled), str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert compiled.read_bytes() == po.with_suffix(".mo").read_bytes(), (
        f"{po.relative_to(ROOT)} changed: run bin/compilemessages"
    )


def test_a_text_has_one_german_text_in_every_catalogue():
    """Django looks a text up in one catalogue only (LOCALE_PATHS first, then the apps in
    INSTALLED_APPS order): where two catalogues translate the same text differently, the
    other translation is never shown – an admin column "Status" of one app read "Stand"
    from another. A text that needs another translation gets a context (msgctxt)."""
    translations = {}
    for po in CATALOGUES:
        if po.stem != "django":
            continue
        with po.with_suffix(".mo").open("rb") as file:
            catalogue = gettext.GNUTranslations(file)._catalog  # msgid → msgstr (context\x04msgid)
        for msgid, msgstr in catalogue.items():
            if msgid and msgstr:
                translations.setdefault(msgid, {})[po.relative_to(ROOT).parts[0]] = msgstr
    differing = {
        msgid: by_catalogue
        for msgid, by_catalogue in translations.items()
        if len(set(by_catalogue.values())) > 1
    }
    assert not differing
