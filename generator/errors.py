"""Typed errors of the core; the CLI edge turns them into one-line messages and exit codes."""

from __future__ import annotations


class ScaffoldError(Exception):
    """A problem the user can fix; `exit_code` 1 for failures, 2 for refused or misused input."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(ScaffoldError):
    """The command line itself is wrong (unknown question, malformed KEY=VALUE, ...)."""

    exit_code = 2


class AnswerError(ScaffoldError):
    """An answer is invalid for its question (type, choice or validator)."""


class MissingAnswerError(ScaffoldError):
    """A question has no answer and there is no terminal to ask it on."""


class DestinationError(ScaffoldError):
    """The destination folder cannot be used (not empty, not writable, a file...)."""


class TemplateError(ScaffoldError):
    """The template cannot be found or read."""


class RenderError(ScaffoldError):
    """Copier failed while rendering; nothing was written."""


class Refused(ScaffoldError):
    """The operation was refused before changing anything."""

    exit_code = 2


class Aborted(ScaffoldError):
    """The user declined the confirmation."""


class UntrustedTemplateError(Refused):
    """A third-party template would run its own code (hooks, tasks, extensions) without --trust."""


class NotAdoptableError(Refused):
    """`adopt` cannot start: not a git repository, uncommitted changes, or already adopted."""


class DatasetError(ScaffoldError):
    """The table given to `new --dataset` cannot make a project (unreadable, wrong target, too
    small, no feature, too large for memory, a task it contradicts); nothing was written."""


class DatasetUnreadable(DatasetError):
    """The file is missing, unreadable, not a table, or of an unsupported kind."""


class DatasetTooLarge(DatasetError):
    """The file is larger than the memory `new` may use to read it (checked before reading)."""


class TargetError(DatasetError):
    """The target column is unknown, has a single value, missing values, or an unusable type."""


class TooFewRows(DatasetError):
    """Fewer rows (or rows per class) than the pipeline's train/test split needs."""


class NoFeatureError(DatasetError):
    """Every column but the target is excluded (identifiers, dates, free text, constants)."""


class TaskMismatch(DatasetError):
    """`-d task=...` contradicts the target's type (e.g. binary for a target with 5 classes)."""
