"""The Jinja environment a cookiecutter template is rendered with, trusted or not.

Cookiecutter's own environment is a plain `jinja2.Environment`: any `{{ ... }}` in a default, a
file or a file name can reach Python's internals (`cycler.__init__.__globals__`). Until the
user passes `--trust`, templates are rendered in Jinja's `SandboxedEnvironment` with only
cookiecutter's built-in extensions (which are ours to trust, not the template's), and the
template folder is never put on `sys.path`. Trusted, it is cookiecutter's own environment with
the template's `_extensions`, importable from the template folder as cookiecutter arranges.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.errors import TemplateError, UntrustedTemplateError

# `_jinja2_env_vars` a template may set on the sandbox: syntax and whitespace only.
SAFE_ENV_VARS = {
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
}


def make_environment(variables: Mapping[str, Any], *, trusted: bool, lenient: bool = False) -> Any:
    """A strict (undefined is an error) environment for a template's variables; `lenient`
    renders undefined variables empty, as cookiecutter-data-science's `ccds` does."""
    from cookiecutter.environment import ExtensionLoaderMixin, StrictEnvironment
    from cookiecutter.exceptions import CookiecutterException
    from jinja2 import Environment, StrictUndefined, Undefined
    from jinja2.sandbox import SandboxedEnvironment

    class LenientEnvironment(ExtensionLoaderMixin, Environment):
        pass

    env_vars = variables.get("_jinja2_env_vars") or {}
    if not isinstance(env_vars, dict):
        raise TemplateError("cookiecutter.json: _jinja2_env_vars must be an object")
    options = {"keep_trailing_newline": True, **env_vars}
    context = {"cookiecutter": dict(variables)}
    if trusted:
        try:
            if lenient:
                return LenientEnvironment(context=context, undefined=Undefined, **options)
            return StrictEnvironment(context=context, **options)
        except CookiecutterException as error:
            raise TemplateError(f"cannot load the template's Jinja extensions: {error}") from None
        except TypeError as error:
            raise TemplateError(f"cookiecutter.json: bad _jinja2_env_vars: {error}") from None
    unsafe = sorted(set(env_vars) - SAFE_ENV_VARS)
    if unsafe:
        raise UntrustedTemplateError(
            f"cookiecutter.json sets Jinja options beyond syntax ({', '.join(unsafe)}); "
            "review the template, then pass --trust"
        )
    return SandboxedEnvironment(
        undefined=Undefined if lenient else StrictUndefined,
        extensions=[
            "cookiecutter.extensions.JsonifyExtension",
            "cookiecutter.extensions.RandomStringExtension",
            "cookiecutter.extensions.SlugifyExtension",
            "cookiecutter.extensions.TimeExtension",
            "cookiecutter.extensions.UUIDExtension",
        ],
        **options,
    )


@contextmanager
def importable(root: Path, *, trusted: bool) -> Iterator[None]:
    """Trusted: the template's local `_extensions` import from its folder (appended, as in
    cookiecutter, so it never shadows a module we import). Untrusted: nothing changes."""
    if not trusted:
        yield
        return
    saved = list(sys.path)
    sys.path.append(str(root))
    try:
        yield
    finally:
        sys.path[:] = saved


@contextmanager
def ccds_hooks(enabled: bool) -> Iterator[None]:
    """Hooks of a ccds template render as under its `ccds` command, which makes cookiecutter's
    environment lenient (undefined is empty); restored afterwards."""
    if not enabled:
        yield
        return
    import cookiecutter.environment as environment
    from jinja2 import Undefined

    saved = environment.StrictUndefined
    environment.StrictUndefined = Undefined  # type: ignore[misc,assignment]
    try:
        yield
    finally:
        environment.StrictUndefined = saved  # type: ignore[misc]
