"""A table's profile as the text of the project's `src/<package>/schema.py` (a pandera schema).

The file is generated once, at `new`, and then belongs to the user: the template does not
contain it, so `update` never touches it. It is written as a person would write it (plain
lists and a `DataFrameSchema`), formatted the way `ruff format` leaves it, so the project's
first commit passes its own hooks: a line that fits stays on one line, anything longer is one
item per line with a trailing comma (which ruff keeps as it is).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from generator.dataset import ColumnProfile, Profile

LINE_LENGTH = 100  # the generated project's ruff line-length
INDENT = "    "
# Numeric ranges are the observed ones widened by this share of their width on each side.
RANGE_MARGIN = 0.1


def _string(text: str) -> str:
    """A string literal as ruff format leaves it: double quotes unless the text holds more `"`
    than `'`; everything outside printable ASCII escaped (so no character of the data trips
    the project's lint rules on ambiguous Unicode, and the line width is the character count).
    """
    body = "".join(
        "\\\\" if ch == "\\" else ch if " " <= ch <= "~" else ascii(ch)[1:-1] for ch in text
    )
    quote = "'" if body.count('"') > body.count("'") else '"'
    return quote + body.replace(quote, "\\" + quote) + quote


def _number(value: float, integer: bool) -> str:
    return str(int(value)) if integer else repr(float(value))


@dataclass(frozen=True)
class Group:
    """Bracketed items, laid out as ruff would: on one line when it fits, else one per line
    with a trailing comma (the magic trailing comma keeps ruff from joining them again)."""

    head: str  # up to and including the opening bracket: `"area": pa.Column(`
    items: tuple[Node, ...]
    tail: str  # the closing bracket
    explode: bool = False  # one per line even when it would fit


Node = str | Group


def _flat(node: Node) -> str:
    if isinstance(node, str):
        return node
    return node.head + ", ".join(_flat(item) for item in node.items) + node.tail


def _layout(node: Node, indent: str, trailer: str = "") -> list[str]:
    one_line = indent + _flat(node) + trailer
    if isinstance(node, str) or not node.items:
        return [one_line]
    if not node.explode and len(one_line) <= LINE_LENGTH:
        return [one_line]
    lines = [indent + node.head]
    for item in node.items:
        lines.extend(_layout(item, indent + INDENT, ","))
    lines.append(indent + node.tail + trailer)
    return lines


def _widened(column: ColumnProfile, integer: bool) -> tuple[float, float] | None:
    """The observed range plus a margin, rounded outwards to a readable precision; a column
    that never goes below zero keeps zero as its floor."""
    if column.minimum is None or column.maximum is None:
        return None
    low, high = column.minimum, column.maximum
    width = high - low
    margin = width * RANGE_MARGIN if width > 0 else max(abs(high) * RANGE_MARGIN, 1.0)
    lower, upper = low - margin, high + margin
    if low >= 0:
        lower = max(lower, 0.0)
    if integer:
        return float(math.floor(lower)), float(math.ceil(upper))
    step = 10.0 ** (math.floor(math.log10(upper - lower)) - 2)
    digits = max(0, -math.floor(math.log10(step)))
    rounded_lower = round(math.floor(lower / step) * step, digits)
    rounded_upper = round(math.ceil(upper / step) * step, digits)
    if low >= 0:
        rounded_lower = max(rounded_lower, 0.0)
    return rounded_lower, rounded_upper


def _isin(values: Sequence[str]) -> Group:
    return Group("pa.Check.isin(", (Group("[", tuple(values), "]"),), ")")


def _column_args(column: ColumnProfile, profile: Profile) -> tuple[Node, ...]:
    """The arguments of one `pa.Column(...)`: dtype, checks, nullability."""
    nullable = f"nullable={column.nulls > 0}"
    if column.name == profile.target:
        if profile.task == "regression":
            return ("float", "nullable=False")
        if column.kind == "bool":
            return ("bool", "nullable=False")
        if column.kind in ("int", "float"):
            return ("int", _isin([str(int(v)) for v in column.values]), "nullable=False")
        return ("str", _isin([_string(str(v)) for v in column.values]), "nullable=False")
    if column.numeric:
        integer = column.kind == "int" and column.nulls == 0
        dtype = "int" if integer else "float"
        bounds = _widened(column, integer)
        if bounds is None:
            return (dtype, nullable)
        low, high = (_number(b, integer) for b in bounds)
        return (dtype, f"pa.Check.in_range({low}, {high})", nullable)
    return ("str", _isin([_string(str(v)) for v in column.values]), nullable)


def _docstring(profile: Profile) -> list[str]:
    name = profile.file_name
    plain = name.isascii() and name.isprintable() and not any(ch in name for ch in "\"'\\")
    where = f"data/raw/{name}" if plain else "the raw table in data/raw/"
    classes = "" if profile.task == "regression" else f", {len(profile.class_counts)} classes"
    return [
        f'"""The data contract of {where}.',
        "",
        f"Inferred by `mlops-scaffold new` from the table ({profile.rows} rows, task "
        f"{profile.task}{classes}).",
        "This file is yours: edit the checks as your data changes; template updates never",
        "overwrite it. A column in EXCLUDED is not a feature (the reason says why): to use it,",
        "move it to NUMERIC or CATEGORICAL and give it a column in SCHEMA.",
        '"""',
    ]


def _overlong(line: str) -> bool:
    """What ruff's E501 reports: too long, and more than one word (one word cannot wrap)."""
    chunks = line.split()
    if len(line) <= LINE_LENGTH or len(chunks) < 2:
        return False
    return not ("://" in chunks[-1] and len(line) - len(chunks[-1]) <= LINE_LENGTH)


def schema_source(profile: Profile) -> str:
    """The text of schema.py for `profile`: valid Python, `ruff format` clean."""
    numeric = tuple(_string(name) for name in profile.numeric)
    categorical = tuple(_string(name) for name in profile.categorical)
    excluded = tuple(f"{_string(k)}: {_string(v)}" for k, v in profile.excluded.items())
    entries = tuple(
        Group(f"{_string(column.name)}: pa.Column(", _column_args(column, profile), ")")
        for column in profile.columns
        if column.name == profile.target or column.excluded is None
    )
    schema = Group(
        "SCHEMA = pa.DataFrameSchema(",
        (Group("{", entries, "}", explode=True), "coerce=True", "strict=False"),
        ")",
        explode=True,
    )
    body = [
        "from __future__ import annotations",
        "",
        "import pandera.pandas as pa",
        "",
        f"TARGET = {_string(profile.target)}",
        "# Feature columns: numbers (float or int), then strings (categories).",
        *_layout(Group("NUMERIC: list[str] = [", numeric, "]"), ""),
        *_layout(Group("CATEGORICAL: list[str] = [", categorical, "]"), ""),
        "# Columns that are not features, and why; they may stay in the table.",
        *_layout(Group("EXCLUDED: dict[str, str] = {", excluded, "}"), ""),
        "",
        "# Types, missing values, ranges (observed, widened by 10 % of their width) and allowed",
        "# categories. strict=False: the excluded columns may be present.",
        *_layout(schema, ""),
    ]
    lines = [*_docstring(profile), "", *body]
    if any(_overlong(line) for line in lines):
        # A column name or value longer than a line: nothing to wrap, so E501 is waived.
        lines = ["# ruff: noqa: E501", *lines]
    return "\n".join(lines) + "\n"
