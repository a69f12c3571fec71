"""Pre-commit entry points of the mlops-scaffold standards (see `.pre-commit-hooks.yaml`).

Thin on purpose: each hook is `generator.checks` with its subset of checks, run on the
repository pre-commit runs in. Installed as console scripts, so they work in pre-commit's
isolated environment without the Typer CLI.
"""
