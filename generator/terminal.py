"""The one way user and template text reaches the terminal: literally, never as markup.

Rich reads `[...]` as markup, so a description like `[/x]` raised a `MarkupError` and a
template's help text could restyle the screen; control characters could move the cursor.
Every value that came from a user, a template or a file goes through `literal` before it is
put into a rich string, a table cell, a tree label or a panel.
"""

from __future__ import annotations

import unicodedata

from rich.markup import escape

KEPT_CONTROLS = {"\n", "\t"}


def visible(value: object) -> str:
    """`value` as text with control characters shown as escapes (`\\x1b`), not obeyed."""
    text = str(value)
    if not any(unicodedata.category(c) == "Cc" for c in text if c not in KEPT_CONTROLS):
        return text
    return "".join(
        repr(c)[1:-1] if unicodedata.category(c) == "Cc" and c not in KEPT_CONTROLS else c
        for c in text
    )


def literal(value: object) -> str:
    """`value` ready to interpolate into rich markup: shown as is, never interpreted."""
    return escape(visible(value))
