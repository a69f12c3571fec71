"""Render a third-party template into a staging folder with its own engine's public API.

Both engines run non-interactively on the wizard's answers and with the user's own settings
ignored (cookiecutter: a private config file, so no `~/.cookiecutterrc` defaults and no replay
files in the home folder; Copier: `Settings(defaults={}, trust=[])`), so a render depends only
on the template and the answers.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from generator.errors import RenderError, UntrustedTemplateError
from generator.interop.detect import LocalTemplate


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def render_cookiecutter(
    template: LocalTemplate, staging: Path, extra_context: Mapping[str, Any], *, trust: bool
) -> Path:
    """Run cookiecutter into `staging`; returns the project folder it created there."""
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter

    with tempfile.TemporaryDirectory(prefix="mlops-scaffold-cookiecutter-") as tmp:
        config = Path(tmp) / "config.yml"
        config.write_text(
            yaml.safe_dump(
                {
                    "cookiecutters_dir": str(Path(tmp) / "cookiecutters"),
                    "replay_dir": str(Path(tmp) / "replay"),
                    "default_context": {},
                }
            ),
            encoding="utf-8",
        )
        try:
            project = cookiecutter(
                str(template.root),
                no_input=True,
                extra_context=dict(extra_context),
                output_dir=str(staging),
                config_file=str(config),
                accept_hooks=trust,
            )
        except (KeyboardInterrupt, SystemExit):
            raise
        except (CookiecutterException, ValueError, OSError) as error:
            raise RenderError(f"cookiecutter failed: {_one_line(error)}") from None
    return Path(project)


def render_copier(
    template: LocalTemplate, staging: Path, answers: Mapping[str, Any], *, trust: bool
) -> None:
    """Run Copier into the empty folder `staging`; `unsafe` only when the user trusts it.

    `vcs_ref="HEAD"`: Copier's default (the newest tag) could render other files than the
    copier.yml we read questions and unsafe features from; HEAD is what we read.
    """
    from copier.errors import UnsafeTemplateError

    from generator.render import copy_isolated

    try:
        copy_isolated(template.copier_src, staging, answers, unsafe=trust, ref="HEAD")
    except (KeyboardInterrupt, SystemExit):
        raise
    except UnsafeTemplateError as error:
        raise UntrustedTemplateError(
            f"template {template.source}: {_one_line(error)}; review it, then pass --trust"
        ) from None
    except Exception as error:  # Copier raises many types; all become one message
        raise RenderError(f"Copier failed: {_one_line(error)}") from None
