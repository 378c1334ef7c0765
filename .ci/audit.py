"""Known vulnerabilities of the installed packages, from PyPI's project pages.

pip-audit asks PyPI about each installed version (/pypi/NAME/VERSION/json) or asks OSV.
Where only the package registry is reachable, neither answers, but each project's page
(/pypi/NAME/json) still does: it describes the latest release, with the known
vulnerabilities of that release. So a package installed at its latest release is audited
exactly, and a known vulnerability fails the run. Any other package is listed as not
audited, with its version, the page's and why (a newer release to upgrade to, or newer
releases that need a newer Python), so nothing is passed over in silence.

Run with the interpreter of the environment to audit: `.venv/bin/python .ci/audit.py`.
"""
from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import Distribution, distributions

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

PYPI = "https://pypi.org/pypi/{name}/json"
PYTHON = ".".join(map(str, sys.version_info[:3]))


def local(dist: Distribution) -> bool:
    """Installed from a folder (this project, editable): nothing on PyPI to compare."""
    direct = dist.read_text("direct_url.json")
    return bool(direct) and "dir_info" in json.loads(direct)


def audit(dist: Distribution) -> tuple[str, str, list[str]]:
    name, version = dist.metadata["Name"], dist.version
    try:
        with urllib.request.urlopen(PYPI.format(name=name), timeout=30) as reply:  # nosec B310
            page = json.load(reply)
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        return name, version, [f"not audited: PyPI's page could not be read ({exc})"]
    latest = page["info"]["version"]
    if latest != version:
        newest = newest_for_this_python(page)
        why = (f"{newest} is out for Python {PYTHON}: upgrade to audit it"
               if newest is not None and Version(version) < newest else
               f"the newest release for Python {PYTHON}; the page describes {latest} "
               f"(Python {page['info'].get('requires_python') or 'any'})")
        return name, version, [f"not audited: {why}"]
    return name, version, [
        f"{v['id']} ({', '.join(v.get('aliases') or [])}): fixed in "
        f"{', '.join(v.get('fixed_in') or ['no release yet'])}: {v.get('summary') or ''}"
        for v in page.get("vulnerabilities", []) if not v.get("withdrawn")]


def newest_for_this_python(page: dict) -> Version | None:
    """The newest release with a file that is not yanked and runs on this Python."""
    usable = []
    for number, files in page.get("releases", {}).items():
        try:
            version = Version(number)
        except InvalidVersion:
            continue
        if version.is_prerelease:
            continue
        if any(not f.get("yanked") and PYTHON in SpecifierSet(f.get("requires_python") or "")
               for f in files):
            usable.append(version)
    return max(usable, default=None)


def main() -> int:
    installed = sorted((d for d in distributions() if not local(d)),
                       key=lambda d: d.metadata["Name"].lower())
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(audit, installed))
    unaudited = found = 0
    for name, version, notes in results:
        for note in notes:
            print(f"{name} {version}: {note}")
            if note.startswith("not audited"):
                unaudited += 1
            else:
                found += 1
    print(f"{len(results)} packages: {len(results) - unaudited} audited, {found} known "
          f"vulnerabilities; {unaudited} not audited (above, with why).")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
