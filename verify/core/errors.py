"""User-facing errors: each becomes a one-line message and exit code 2 at the CLI edge."""


class UsageError(Exception):
    """Bad input (case file, flag value, claim id). Rendered as one line, exit code 2."""


class CaseError(UsageError):
    """A case file field is malformed or outside the paper's domain."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"case field '{field}': {message}")
        self.field = field


class PrecisionError(RuntimeError):
    """A number could not be computed to the requested precision: reported as
    'inconclusive' (one line, exit code 3), never as a number."""
