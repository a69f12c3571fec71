"""The project's tests (a package, so mypy names them tests.* and applies their settings)."""
