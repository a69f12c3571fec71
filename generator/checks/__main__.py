"""`python -m generator.checks [PATH]`: the checks without the Typer CLI around them."""

from __future__ import annotations

import sys

from .cli_entry import main

sys.exit(main(prog="python -m generator.checks"))
