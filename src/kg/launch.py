"""The ``kg`` command's entry point: a ``kg query`` goes to the warm query process before kg imports anything.

Answered warm, a ``kg query`` costs Python's start-up, this module and
:mod:`kg.warm` (the standard library only) and a round trip; anything else,
and a query the warm process does not answer, runs :func:`kg.cli.main`. After
a local query ran here, the warm process is started for the next one.
"""

from __future__ import annotations

import sys

from kg import warm

#: Options after which a query is not local: the warm process has nothing to keep for it.
_NOT_LOCAL = ("--endpoint", "--show", "--help", "-h")


def main() -> int:
    """``kg`` with the command line's arguments; the exit code."""
    argv = sys.argv[1:]
    query = argv[:1] == ["query"]
    if query:
        code = warm.answer(argv)
        if code is not None:
            return code
    from kg.cli import main as run

    code = run(argv)
    local = not any(a in _NOT_LOCAL or a.startswith("--endpoint=") for a in argv)
    if query and local and code in (0, 1):
        warm.start(argv)  # for the next run; nothing if one runs, or with --no-cache
    return code
