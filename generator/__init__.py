"""mlops-scaffold: render, update and check production-grade MLOps repositories."""

__version__ = "0.1.0"
