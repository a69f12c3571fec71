"""Third-party templates (cookiecutter or Copier) through the same wizard, and adoption.

Every module here imports cookiecutter or Copier lazily: the CLI's fast paths never load them.
"""
