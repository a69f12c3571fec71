"""Where the template comes from, and how Copier is pointed at it.

Projects record a stable canonical URL as `_src_path`, never a local path, so they stay
updatable on any machine (DESIGN.md decision 3). While the tool runs Copier, git's
`url.<local>.insteadOf` rewrites that URL to a local source: the git checkout this tool runs
from (editable install), the git bundle shipped in the wheel, or `MLOPS_SCAFFOLD_TEMPLATE`
(a git repository or bundle; used by tests and template developers).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator import __version__
from generator.errors import TemplateError

CANONICAL_URL = "https://github.com/mlops-scaffold/mlops-scaffold.git"
OVERRIDE_ENV = "MLOPS_SCAFFOLD_TEMPLATE"
PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_DIR = PACKAGE_DIR / "_template"


@dataclass(frozen=True)
class TemplateSource:
    """A local stand-in for the canonical URL, and the ref to render by default."""

    location: Path
    default_ref: str
    kind: str  # "override", "checkout" or "bundle"
    questions_file: Path

    @property
    def url(self) -> str:
        return CANONICAL_URL


def _checkout_root() -> Path | None:
    root = PACKAGE_DIR.parent
    if (root / "copier.yml").is_file() and (root / ".git").exists():
        return root
    return None


def resolve_source() -> TemplateSource:
    """The override, else the checkout we run from, else the bundle inside the wheel."""
    override = os.environ.get(OVERRIDE_ENV)
    if override:
        location = Path(override).expanduser().resolve()
        if location.is_dir() and (location / "copier.yml").is_file():
            return TemplateSource(location, "HEAD", "override", location / "copier.yml")
        if location.is_file():
            return TemplateSource(
                location, f"v{__version__}", "override", BUNDLED_DIR / "copier.yml"
            )
        raise TemplateError(
            f"{OVERRIDE_ENV}={override} is neither a template repository nor a bundle"
        )
    checkout = _checkout_root()
    if checkout is not None:
        return TemplateSource(checkout, "HEAD", "checkout", checkout / "copier.yml")
    bundle = BUNDLED_DIR / "template.bundle"
    if bundle.is_file():
        return TemplateSource(bundle, f"v{__version__}", "bundle", BUNDLED_DIR / "copier.yml")
    raise TemplateError(
        "the template is missing from this installation (no git checkout and no bundled template); "
        "reinstall mlops-scaffold"
    )


def git_redirect_env(
    source: TemplateSource, environ: dict[str, str] | None = None
) -> dict[str, str]:
    """GIT_CONFIG_* variables that send the canonical URL to `source`, after any the user set."""
    environ = dict(os.environ if environ is None else environ)
    try:
        count = int(environ.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        count = 0
    return {
        "GIT_CONFIG_COUNT": str(count + 1),
        f"GIT_CONFIG_KEY_{count}": f"url.{source.location}.insteadOf",
        f"GIT_CONFIG_VALUE_{count}": CANONICAL_URL,
        # A redirected URL must never fall back to asking for credentials.
        "GIT_TERMINAL_PROMPT": "0",
    }


@contextmanager
def copier_environment(source: TemplateSource) -> Iterator[dict[str, str]]:
    """Run Copier (in-process or as a subprocess) against `source`, with a private cache.

    Copier calls git through plumbum, whose environment is a snapshot taken at import, so the
    variables go both into `os.environ` (subprocesses, Copier's own reads) and plumbum's env.
    """
    cache = tempfile.mkdtemp(prefix="mlops-scaffold-copier-cache-")
    extra = git_redirect_env(source) | {"COPIER_CACHE_DIR": cache}
    saved = {key: os.environ.get(key) for key in extra}
    os.environ.update(extra)
    try:
        from plumbum import local

        with local.env(**extra):
            yield extra
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(cache, ignore_errors=True)
