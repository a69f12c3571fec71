"""One call that makes a stage reproducible: every random number generator gets the seed."""

from __future__ import annotations

import importlib
import importlib.util
import os
import random

import numpy as np


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python, NumPy and, when installed, PyTorch and TensorFlow; return a NumPy Generator.

    PYTHONHASHSEED only affects child processes (the running interpreter has hashed already),
    so it is set for the workers a stage may start. Deep-learning libraries are imported only
    if present, with their determinism switches on: reproducible beats fastest here.
    """
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)  # legacy global state, still used by some libraries
    _seed_torch(seed)
    _seed_tensorflow(seed)
    return np.random.default_rng(seed)


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _seed_torch(seed: int) -> None:
    if not _installed("torch"):
        return
    torch = importlib.import_module("torch")
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # required by deterministic cuBLAS
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


def _seed_tensorflow(seed: int) -> None:
    if not _installed("tensorflow"):
        return
    tf = importlib.import_module("tensorflow")
    tf.random.set_seed(seed)
    tf.config.experimental.enable_op_determinism()
