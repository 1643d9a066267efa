"""The project's exceptions and exit codes.

Library code raises :class:`KgError` (or a subclass); only :mod:`kg.cli` turns one
into a message on stderr and an exit code. Each subclass carries the exit code
of its failure class, so the mapping lives here and nowhere else.

>>> str(LoadError("expected '.'", path="data/article.ttl", line=12, column=5))
"data/article.ttl:12:5: expected '.'"
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Exit codes of the ``kg`` command, documented in the README."""

    OK = 0
    NOT_CONFORMING = 1  # validation failed, or a result did not match what was expected
    USAGE = 2  # bad arguments, missing or unparsable input file
    QUERY = 3  # query syntax error, unknown query, bad parameter, refused operation
    TIMEOUT = 4  # a query ran past its time limit or its memory ceiling
    ENDPOINT = 5  # a remote SPARQL endpoint failed or could not be reached
    SERVER = 6  # a program kg runs could not start: the Oxigraph server (busy port, missing binary, or not again
    # SERVE_RESTARTS times within SERVE_RESTART_WINDOW under kg serve), Java for HermiT
    OUTPUT = 7  # an output could not be written
    INTERRUPTED = 130  # Ctrl-C (SIGINT), as shells report a command it stopped: 128 + 2

    @property
    def meaning(self) -> str:
        """What the code means, in the words of the README's exit-code line."""
        return _MEANINGS[self]


_MEANINGS = {
    ExitCode.OK: "ok",
    ExitCode.NOT_CONFORMING: "the data does not conform, a result does not match, or nothing matched",
    ExitCode.USAGE: "usage or load error (with file:line:column)",
    ExitCode.QUERY: "query error",
    ExitCode.TIMEOUT: "time or memory limit",
    ExitCode.ENDPOINT: "endpoint error",
    ExitCode.SERVER: "a program kg runs could not start (Oxigraph server, Java)",
    ExitCode.OUTPUT: "output error",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C), every output as it was or whole",
}


def describe_exit_codes() -> str:
    """Every exit code and its meaning on one line: ``kg --help`` and the README both show it.

    >>> describe_exit_codes().split(" · ")[:2]
    ['0 ok', '1 the data does not conform, a result does not match, or nothing matched']
    """
    return " · ".join(f"{code.value} {code.meaning}" for code in ExitCode)


class KgError(Exception):
    """An error with an optional position (file, line, column) for the user."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column

    def location(self) -> str:
        """``file:line:col`` as far as it is known, or ``''``."""
        parts = [p for p in (self.path, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class UsageError(KgError):
    """Bad command-line arguments or options."""

    exit_code = ExitCode.USAGE


def import_extra(module: str, extra: str, feature: str):
    """Import the optional ``module`` that ``feature`` needs, or raise :class:`UsageError` naming the extra to install.

    The one answer for every optional dependency (pandas, pyvis): the same
    message kind and exit code, never a bare ``ModuleNotFoundError``.

    >>> import_extra("json", "none", "this example").__name__
    'json'
    >>> import_extra("kg_no_such_module", "notebook", "kg.notebook.network")
    Traceback (most recent call last):
    ...
    kg.errors.UsageError: kg.notebook.network needs kg_no_such_module: pip install 'kg-iran-kazakhstan[notebook]'
    """
    from importlib import import_module

    try:
        return import_module(module)
    except ImportError:
        package = module.partition(".")[0]
        raise UsageError(f"{feature} needs {package}: pip install 'kg-iran-kazakhstan[{extra}]'") from None


class NotFound(KgError):
    """Nothing matched: no entity has the label asked for, no phrase is found (exit 1, not a usage error)."""

    exit_code = ExitCode.NOT_CONFORMING


class LoadError(KgError):
    """A missing, unreadable or syntactically broken input file."""

    exit_code = ExitCode.USAGE


class QueryError(KgError):
    """A query that cannot run: syntax error, unknown name, bad parameter, refused feature."""

    exit_code = ExitCode.QUERY


class QueryTimeout(KgError):
    """A query that ran past its time limit."""

    exit_code = ExitCode.TIMEOUT


class EndpointError(KgError):
    """A remote SPARQL endpoint that failed, refused or could not be reached."""

    exit_code = ExitCode.ENDPOINT


class ServerError(KgError):
    """A program kg runs that could not be started: the Oxigraph server (a busy port, no binary), or the
    Java runtime HermiT needs for ``kg reason``. Not a usage error (the arguments are right) and not a load
    error (no input is wrong): something must be installed or freed on the machine."""

    exit_code = ExitCode.SERVER


class OutputError(KgError):
    """An output file or directory that cannot be written."""

    exit_code = ExitCode.OUTPUT


class QuerySyntaxError(QueryError):
    """A query that is not SPARQL 1.1; its position is the first token the engine's parser could not read."""


class QueryMemoryLimit(KgError):
    """A local query that passed its memory ceiling (``--max-memory``); same exit code as a timeout."""

    exit_code = ExitCode.TIMEOUT
