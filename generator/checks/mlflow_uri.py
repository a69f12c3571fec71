"""Check `mlflow-tracking-uri`: MLflow tracks to a database or server, never a `./mlruns` folder.

The file store is deprecated and raises since MLflow 3.13 unless `MLFLOW_ALLOW_FILE_STORE` is
set; the template's default is `sqlite:///mlflow.db`. Scanned as text with regular expressions,
so code, YAML, TOML, env files and notebooks are all covered without importing anything.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from .model import CheckInputError, Problem
from .project import Project
from .registry import register

SUFFIXES = frozenset(
    {".py", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".json", ".sh", ".ipynb", ".env", ".txt"}
)
ENV_FILES = (".env", ".envrc", ".flaskenv")  # often untracked, still configure the runs
KEYWORDS = ("mlruns", "tracking", "backend-store-uri")
MAX_BYTES = 2 * 1024 * 1024
# In code only string literals are values (`set_tracking_uri(uri)` passes a variable); in
# config and env files values are often unquoted.
QUOTED = r"""\s*(?:uri\s*=\s*)?\\?["'](?P<value>[^"'\\]*)"""
BARE = r"""\s*\\?["']?(?P<value>[^\s"'\\,)#]*)"""
KEY = r"""(?:MLFLOW_TRACKING_URI|tracking[_-]uri)\\?["'\]]*\s*[:=,]"""
FILE_URI = re.compile(r"(?P<value>file:(?://)?[^\s\"'\\]*mlruns)")
CODE_SUFFIXES = frozenset({".py", ".ipynb"})
CODE_PATTERNS = (
    re.compile(r"set_tracking_uri\(" + QUOTED),
    re.compile(KEY + QUOTED, re.IGNORECASE),
    re.compile(r"--backend-store-uri[=\s]" + QUOTED),
    FILE_URI,
)
CONFIG_PATTERNS = (
    re.compile(KEY + BARE, re.IGNORECASE),
    re.compile(r"--backend-store-uri[=\s]" + BARE),
    FILE_URI,
)
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(//)?", re.IGNORECASE)
UNKNOWN = re.compile(r"[${}%<]")  # interpolated values can't be judged statically


def is_file_store(value: str) -> bool:
    """True for `./mlruns`, `/abs/path`, `file:...`; False for sqlite/http/databricks URIs."""
    if not value or UNKNOWN.search(value) or value.lower() in {"databricks", "none", "null"}:
        return False
    if value.lower().startswith("file:"):
        return True
    if re.match(r"^[A-Za-z]:[\\/]", value):
        return True  # a Windows drive path
    return not SCHEME.match(value)


def _candidates(project: Project) -> list[str]:
    try:
        tracked = [entry.path for entry in project.git_files() if entry.size <= MAX_BYTES]
    except CheckInputError:
        tracked = []
    files = [
        path
        for path in tracked
        if posixpath.splitext(path)[1].lower() in SUFFIXES
        or posixpath.basename(path).startswith(".env")
    ]
    files += [name for name in ENV_FILES if name not in files and (project.root / name).is_file()]
    return [path for path in files if not path.startswith("data/")]


@register(
    "mlflow-tracking-uri",
    "The ./mlruns file store is deprecated and refused by MLflow 3.13+; use a database or server.",
    "use `sqlite:///mlflow.db` (the template's default) or an http(s) tracking server",
)
def check_mlflow_uri(project: Project) -> Iterator[Problem]:
    for path in _candidates(project):
        try:
            text = project.read_text(path)
        except CheckInputError:
            continue  # binary or unreadable: can't hold a tracking URI worth reporting
        lowered = text.lower()
        if not any(word in lowered for word in KEYWORDS):
            continue
        code = posixpath.splitext(path)[1].lower() in CODE_SUFFIXES
        patterns = CODE_PATTERNS if code else CONFIG_PATTERNS
        for number, line in enumerate(text.splitlines(), start=1):
            for pattern in patterns:
                match = pattern.search(line)
                if match and is_file_store(match.group("value")):
                    yield Problem(
                        f"MLflow file-store tracking URI `{match.group('value')}`", path, number
                    )
                    break
