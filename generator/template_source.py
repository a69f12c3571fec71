"""Where the template comes from, and how Copier is pointed at it.

Projects record a stable canonical URL as `_src_path`, never a local path, so they stay
updatable on any machine (DESIGN.md decision 3). While the tool runs Copier, git's
`url.<local>.insteadOf` rewrites that URL to a local *release repository* (generator/releases.py):
the history of the git checkout this tool runs from (editable install), of the git bundle shipped
in the wheel, or of `MLOPS_SCAFFOLD_TEMPLATE` (a git repository or bundle; used by tests and
template developers), with `vX.Y.Z` tags where the package version changed.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from generator import __version__
from generator.errors import TemplateError

CANONICAL_URL = "https://github.com/mlops-scaffold/mlops-scaffold.git"
OVERRIDE_ENV = "MLOPS_SCAFFOLD_TEMPLATE"
PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_DIR = PACKAGE_DIR / "_template"


@dataclass
class TemplateSource:
    """A local stand-in for the canonical URL: `origin` (a repository or bundle) as a release
    repository at `location`, made on first use, whose `default_ref` is the origin's HEAD."""

    origin: Path
    kind: str  # "override", "checkout" or "bundle"
    questions_file: Path

    @property
    def url(self) -> str:
        return CANONICAL_URL

    @property
    def location(self) -> Path:
        return self._release_repo[0]

    @property
    def default_ref(self) -> str:
        return self._release_repo[1]

    @cached_property
    def _release_repo(self) -> tuple[Path, str]:
        from generator.releases import ReleaseError, build_release_repo

        scratch = Path(tempfile.mkdtemp(prefix="mlops-scaffold-releases-"))
        atexit.register(shutil.rmtree, scratch, True)
        repo = scratch / "template.git"
        try:
            if self.origin.is_file():  # a bundle: it carries its release tags already
                from generator.versions import git

                git("clone", "-q", "--bare", str(self.origin), str(repo))
                commit = git("rev-parse", "HEAD^{commit}", cwd=repo).strip()
            else:
                commit = build_release_repo(self.origin, repo)
        except (ReleaseError, TemplateError) as error:
            raise TemplateError(f"cannot read the template at {self.origin}: {error}") from None
        return repo, commit

    def root_commits(self) -> set[str]:
        """The first commits of the template's history: they identify it across clones."""
        from generator.versions import git

        return set(git("rev-list", "--max-parents=0", self.default_ref, cwd=self.location).split())

    def has_commit(self, commit: str) -> bool:
        from generator.versions import resolve_commit

        return resolve_commit(self, commit) is not None


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
            return TemplateSource(location, "override", location / "copier.yml")
        if location.is_file():
            return TemplateSource(location, "override", BUNDLED_DIR / "copier.yml")
        raise TemplateError(
            f"{OVERRIDE_ENV}={override} is neither a template repository nor a bundle"
        )
    checkout = _checkout_root()
    if checkout is not None:
        return TemplateSource(checkout, "checkout", checkout / "copier.yml")
    bundle = BUNDLED_DIR / "template.bundle"
    if bundle.is_file():
        return TemplateSource(bundle, "bundle", BUNDLED_DIR / "copier.yml")
    raise TemplateError(
        f"the template is missing from this installation of mlops-scaffold {__version__} "
        "(no git checkout and no bundled template); reinstall it from a clone of "
        f"{CANONICAL_URL} with `uv tool install <clone>`"
    )


def git_redirect_env(
    source: TemplateSource,
    environ: dict[str, str] | None = None,
    aliases: Sequence[str] = (),
) -> dict[str, str]:
    """GIT_CONFIG_* variables that send the canonical URL (and `aliases`, other spellings of it
    a project may record) to `source`, after any the user set."""
    environ = dict(os.environ if environ is None else environ)
    try:
        count = int(environ.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        count = 0
    urls = [CANONICAL_URL, *(alias for alias in aliases if alias != CANONICAL_URL)]
    extra = {}
    for index, url in enumerate(urls, count):
        extra[f"GIT_CONFIG_KEY_{index}"] = f"url.{source.location}.insteadOf"
        extra[f"GIT_CONFIG_VALUE_{index}"] = url
    # A redirected URL must never fall back to asking for credentials.
    return {"GIT_CONFIG_COUNT": str(count + len(urls)), **extra, "GIT_TERMINAL_PROMPT": "0"}


@contextmanager
def copier_environment(
    source: TemplateSource, aliases: Sequence[str] = ()
) -> Iterator[dict[str, str]]:
    """Run Copier (in-process or as a subprocess) against `source`, with a private cache.

    Copier calls git through plumbum, whose environment is a snapshot taken at import, so the
    variables go both into `os.environ` (subprocesses, Copier's own reads) and plumbum's env.
    """
    cache = tempfile.mkdtemp(prefix="mlops-scaffold-copier-cache-")
    extra = git_redirect_env(source, aliases=aliases) | {"COPIER_CACHE_DIR": cache}
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
