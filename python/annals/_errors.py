"""The exceptions of the annals package.

Every error the engine reports is raised as a subclass of :class:`Error`
chosen by its status code (the canonical codes of absl::Status / gRPC), with
the code and the engine's message as attributes.
"""


class Error(Exception):
    """An error reported by the annals engine.

    Attributes:
        code: the status code name, e.g. ``"NOT_FOUND"``.
        code_value: its number (absl::StatusCode), e.g. 5.
        message: the engine's message, e.g. ``"no event with seq 9 (head is 3)"``.
    """

    code = "UNKNOWN"
    code_value = 2

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return f"{self.code}: {self.message}"


class CancelledError(Error):
    code, code_value = "CANCELLED", 1


class InvalidArgumentError(Error, ValueError):
    """Bad input: a statement that fails validation, a bad date, a bad name."""
    code, code_value = "INVALID_ARGUMENT", 3


class DeadlineExceededError(Error, TimeoutError):
    code, code_value = "DEADLINE_EXCEEDED", 4


class NotFoundError(Error, LookupError):
    """No such store, event, or projection."""
    code, code_value = "NOT_FOUND", 5


class AlreadyExistsError(Error):
    code, code_value = "ALREADY_EXISTS", 6


class PermissionDeniedError(Error, PermissionError):
    code, code_value = "PERMISSION_DENIED", 7


class ResourceExhaustedError(Error):
    code, code_value = "RESOURCE_EXHAUSTED", 8


class FailedPreconditionError(Error):
    """The request does not apply now: the store is held by another writer,
    was opened read-only, or the statement is already retracted."""
    code, code_value = "FAILED_PRECONDITION", 9


class AbortedError(Error):
    code, code_value = "ABORTED", 10


class OutOfRangeError(Error, IndexError):
    code, code_value = "OUT_OF_RANGE", 11


class UnimplementedError(Error, NotImplementedError):
    code, code_value = "UNIMPLEMENTED", 12


class InternalError(Error):
    code, code_value = "INTERNAL", 13


class UnavailableError(Error):
    """Try again later: a projection still building, a store changing too fast."""
    code, code_value = "UNAVAILABLE", 14


class DataLossError(Error):
    """Stored data is damaged."""
    code, code_value = "DATA_LOSS", 15


class UnauthenticatedError(Error):
    code, code_value = "UNAUTHENTICATED", 16


_BY_VALUE = {cls.code_value: cls for cls in [
    CancelledError, InvalidArgumentError, DeadlineExceededError, NotFoundError,
    AlreadyExistsError, PermissionDeniedError, ResourceExhaustedError,
    FailedPreconditionError, AbortedError, OutOfRangeError, UnimplementedError,
    InternalError, UnavailableError, DataLossError, UnauthenticatedError]}


def from_status(code_value, message):
    """The exception for an absl::Status code number and message."""
    return _BY_VALUE.get(code_value, Error)(message)
