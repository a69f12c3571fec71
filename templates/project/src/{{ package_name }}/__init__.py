"""The project's pipeline code: each DVC stage is a module run with `python -m`."""
