"""What an existing project already says about itself, as candidate answers for our template.

`adopt` asks only what it cannot read. Sources, most trusted first: `.cruft.json` (the answers
the project was made with), `pyproject.toml` `[project]`, `setup.cfg` `[metadata]`, the package
folder, the README title, the folder name. Every fact keeps its origin for the summary.
"""

from __future__ import annotations

import configparser
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

CRUFT_FILE = ".cruft.json"
NOT_PACKAGES = {"tests", "test", "docs", "doc", "scripts", "notebooks", "hooks", "build", "dist"}

# Our question -> the names cookiecutter templates commonly use for it (ccds, pypackage, ...).
CRUFT_KEYS: dict[str, tuple[str, ...]] = {
    "project_name": ("project_name",),
    "distribution_name": ("distribution_name", "repo_name", "project_slug"),
    "package_name": ("package_name", "module_name", "project_slug"),
    "description": ("description", "project_short_description", "project_description"),
    "author_name": ("author_name", "full_name", "author"),
    "author_email": ("author_email", "email"),
    "python_version": ("python_version", "python_version_number"),
    "license": ("license", "open_source_license"),
}


@dataclass(frozen=True)
class Fact:
    value: Any
    origin: str


def distribution(name: str) -> str:
    """PEP 503-style normalised name: lowercase, runs of other characters become one dash."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def python_minor(spec: str) -> str | None:
    """The first X.Y in a version or specifier (`~=3.10.0` -> 3.10, `>=3.11` -> 3.11)."""
    match = re.search(r"(\d+)\.(\d+)", spec)
    return f"{match[1]}.{match[2]}" if match else None


def cruft_context(project: Path) -> dict[str, Any]:
    """The cookiecutter answers recorded by cruft (without its `_template`/`_commit` keys)."""
    path = project / CRUFT_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        context = data["context"]["cookiecutter"]
    except (ValueError, KeyError, TypeError):
        return {}
    return {k: v for k, v in context.items() if not str(k).startswith("_")}


def _from_cruft(project: Path) -> dict[str, Fact]:
    context = cruft_context(project)
    facts: dict[str, Fact] = {}
    for question, keys in CRUFT_KEYS.items():
        for key in keys:
            value = context.get(key)
            if isinstance(value, str) and value.strip():
                facts[question] = Fact(value.strip(), f"{CRUFT_FILE} ({key})")
                break
    if "distribution_name" in facts:
        raw = facts["distribution_name"]
        facts["distribution_name"] = Fact(distribution(raw.value), raw.origin)
    if "package_name" in facts:
        raw = facts["package_name"]
        facts["package_name"] = Fact(raw.value.replace("-", "_"), raw.origin)
    if "python_version" in facts:
        raw = facts["python_version"]
        facts["python_version"] = Fact(python_minor(raw.value), raw.origin)
    return facts


def _from_pyproject(project: Path) -> dict[str, Fact]:
    path = project / "pyproject.toml"
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    origin = "pyproject.toml"
    facts: dict[str, Fact] = {}
    if isinstance(meta.get("name"), str):
        facts["distribution_name"] = Fact(distribution(meta["name"]), origin)
    if isinstance(meta.get("description"), str) and meta["description"].strip():
        facts["description"] = Fact(meta["description"].strip(), origin)
    authors = meta.get("authors") or []
    if authors and isinstance(authors[0], dict):
        if authors[0].get("name"):
            facts["author_name"] = Fact(str(authors[0]["name"]), origin)
        if authors[0].get("email"):
            facts["author_email"] = Fact(str(authors[0]["email"]), origin)
    version = python_minor(str(meta.get("requires-python", "")))
    if version:
        facts["python_version"] = Fact(version, f"{origin} (requires-python)")
    license_ = meta.get("license")
    if isinstance(license_, dict):
        license_ = license_.get("text")
    if isinstance(license_, str) and license_.strip():
        facts["license"] = Fact(license_.strip(), origin)
    return facts


def _from_setup_cfg(project: Path) -> dict[str, Fact]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(project / "setup.cfg", encoding="utf-8")
    except configparser.Error:
        return {}
    if not parser.has_section("metadata"):
        return {}
    meta, origin = parser["metadata"], "setup.cfg"
    pairs = {
        "distribution_name": distribution(meta.get("name", "")),
        "description": meta.get("description", "").strip(),
        "author_name": meta.get("author", "").strip(),
        "author_email": meta.get("author_email", "").strip(),
        "license": meta.get("license", "").strip(),
    }
    facts = {k: Fact(v, origin) for k, v in pairs.items() if v}
    if parser.has_section("options"):
        version = python_minor(parser["options"].get("python_requires", ""))
        if version:
            facts["python_version"] = Fact(version, f"{origin} (python_requires)")
    return facts


def package_folder(project: Path) -> Path | None:
    """The project's one import package: `src/<name>/` or a top-level `<name>/`."""
    for base in (project / "src", project):
        if not base.is_dir():
            continue
        found = sorted(
            path
            for path in base.iterdir()
            if path.is_dir()
            and (path / "__init__.py").is_file()
            and path.name not in NOT_PACKAGES
            and path.name.isidentifier()
        )
        if len(found) == 1:
            return found[0]
    return None


def _from_layout(project: Path) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    package = package_folder(project)
    if package is not None:
        where = package.relative_to(project).as_posix()
        facts["package_name"] = Fact(package.name, f"the package folder {where}/")
    readme = project / "README.md"
    if readme.is_file():
        for line in readme.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("# ") and line[2:].strip():
                facts["project_name"] = Fact(line[2:].strip(), "README.md title")
                break
    licence = project / "LICENSE"
    if licence.is_file():
        first = licence.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        if first:
            facts["license"] = Fact(first[0].strip(), "LICENSE")
    facts.setdefault("project_name", Fact(project.name, "the folder name"))
    return facts


def read_facts(project: Path) -> dict[str, Fact]:
    """Candidate answers, each from its most trusted source."""
    facts: dict[str, Fact] = {}
    for reader in (_from_layout, _from_setup_cfg, _from_pyproject, _from_cruft):
        facts |= {k: v for k, v in reader(project).items() if v.value}
    return facts
