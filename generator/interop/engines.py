"""Render a third-party Copier template into a staging folder with Copier's public API.

Copier runs non-interactively on the wizard's answers with the user's own settings ignored
(`Settings(defaults={}, trust=[])`), so a render depends only on the template and the answers.
Cookiecutter templates render through `cookiecutter_render` (sandboxed until trusted).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator.errors import RenderError, UntrustedTemplateError
from generator.interop.detect import LocalTemplate


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def render_copier(
    template: LocalTemplate,
    staging: Path,
    answers: Mapping[str, Any],
    *,
    trust: bool,
    run_tasks: bool = True,
) -> None:
    """Run Copier into the empty folder `staging`; `unsafe` only when the user trusts it.

    `run_tasks=False` (a dry run) renders the files and runs none of the template's tasks.
    A git template renders at `template.copier_ref`, the ref its questions were read at.
    """
    from copier.errors import UnsafeTemplateError

    from generator.render import copy_isolated

    try:
        copy_isolated(
            template.copier_src,
            staging,
            answers,
            unsafe=trust,
            ref=template.copier_ref or "HEAD",
            skip_tasks=not run_tasks,
        )
    except (KeyboardInterrupt, SystemExit):
        raise
    except UnsafeTemplateError as error:
        raise UntrustedTemplateError(
            f"template {template.source}: {_one_line(error)}; review it, then pass --trust"
        ) from None
    except Exception as error:  # Copier raises many types; all become one message
        raise RenderError(f"Copier failed: {_one_line(error)}") from None
