"""The committed .mo files are what bin/compilemessages makes of the .po files: a catalogue
edited but not compiled (or one msgfmt refuses) would show English or old texts."""

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
