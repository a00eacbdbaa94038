"""Known vulnerabilities of the locked dependencies, from PyPI's project JSON.

    uv export --frozen --no-dev --no-hashes --format requirements-txt -o reqs.txt
    uv run python bin/audit_dependencies.py reqs.txt

CI runs pip-audit first. Where pip-audit cannot reach a vulnerability database (a PyPI
mirror without the per-version endpoint /pypi/NAME/VERSION/json, osv.dev unreachable),
this asks the project endpoint /pypi/NAME/json instead. That one describes the project's
latest release only, and its "vulnerabilities" are PyPI's advisories (OSV) for that
release, the same data pip-audit reads per version. So a locked version that is the
latest release is audited; an older one is reported as not audited, never as safe.

Exit status: 1 if a locked version has a known vulnerability; 3 if PyPI gave no answer
for a package (nothing may pass unchecked for that reason); 2 for a wrong call; 0
otherwise, with the locked versions that are not the latest release named as not audited.
"""

import json
import sys
import time
import urllib.error
import urllib.request

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

PYPI = "https://pypi.org/pypi/{name}/json"
TIMEOUT_SECONDS = 30
ATTEMPTS = 3
NO_ANSWER = "no answer from PyPI"


def locked_versions(lines):
    """(name, version) of each `name==version` line of an exported requirements file."""
    pins = []
    for line in lines:
        line = line.split("#", 1)[0].strip().rstrip("\\").strip()
        if not line or line.startswith("-"):
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        specifiers = list(requirement.specifier)
        if len(specifiers) == 1 and specifiers[0].operator == "==":
            pins.append((canonicalize_name(requirement.name), specifiers[0].version))
    return pins


def fetch_project(name):
    # A fixed https address; only the project's name is filled in.
    address = PYPI.format(name=name)
    request = urllib.request.Request(address, headers={"Accept": "application/json"})  # noqa: S310
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                return json.load(response)
        except urllib.error.HTTPError:
            raise  # an answer (404: no such project): asking again changes nothing
        except OSError:
            if attempt == ATTEMPTS:
                raise
            time.sleep(2 * attempt)


def _same_version(a, b):
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def audit(pins, fetch=None):
    """Returns (vulnerable, unaudited, audited): vulnerable as (name, version, advisory
    id, fixed in), unaudited as (name, version, reason). `fetch(name)` answers with the
    project JSON (default: from PyPI)."""
    fetch = fetch or fetch_project
    vulnerable, unaudited, audited = [], [], []
    for name, version in pins:
        try:
            project = fetch(name)
            latest = project["info"]["version"]
            advisories = project["vulnerabilities"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            unaudited.append((name, version, f"{NO_ANSWER} ({error})"))
            continue
        if not _same_version(version, latest):
            unaudited.append((name, version, f"not the latest release ({latest})"))
            continue
        audited.append((name, version))
        for advisory in advisories:
            if advisory.get("withdrawn"):
                continue
            fixed = ", ".join(advisory.get("fixed_in") or []) or "no fix yet"
            vulnerable.append((name, version, advisory.get("id", "?"), fixed))
    return vulnerable, unaudited, audited


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[0])
        print("usage: audit_dependencies.py REQUIREMENTS_FILE")
        return 2
    with open(argv[0], encoding="utf-8") as requirements:
        pins = locked_versions(requirements)
    vulnerable, unaudited, audited = audit(pins)
    for name, version, advisory, fixed in vulnerable:
        print(f"VULNERABLE {name}=={version}: {advisory} (fixed in: {fixed})")
    for name, version, reason in unaudited:
        print(f"not audited {name}=={version}: {reason}")
    print(
        f"{len(audited)} of {len(pins)} locked packages audited against PyPI's advisories, "
        f"{len(vulnerable)} known vulnerabilities, {len(unaudited)} not audited."
    )
    if vulnerable:
        return 1
    if any(reason.startswith(NO_ANSWER) for _name, _version, reason in unaudited):
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
