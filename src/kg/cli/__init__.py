"""The ``kg`` command: parse arguments, call one library function, print, pick an exit code.

Library modules raise :class:`kg.errors.KgError`; this package alone turns it
into a one-paragraph message on stderr and the error's exit code (see
:class:`kg.errors.ExitCode`). This module assembles the parser and runs a
command; the commands live by concept beside it, each importing the library
it calls only when it runs:

- :mod:`kg.cli.checks`: validate, locate, reason;
- :mod:`kg.cli.outputs`: build, synth, diagram, export, describe, docs, publish;
- :mod:`kg.cli.projection`: stats, path, explore;
- :mod:`kg.cli.query`: queries, query, cache;
- :mod:`kg.cli.server`: serve, push;
- :mod:`kg.cli.options`: the argument types and options they share.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import re
import sys
import textwrap
from collections.abc import Sequence
from typing import Any, NoReturn

from kg.cli.options import Command, reading
from kg.errors import ExitCode, KgError, describe_exit_codes
from kg.terminal import EscapingStream, printable

#: Every command, in the order ``kg --help`` lists them, and the module (of this package) that defines it.
HOMES = {
    **dict.fromkeys(("validate", "locate", "reason"), "checks"),
    **dict.fromkeys(("build", "synth", "diagram", "export", "describe", "docs", "publish"), "outputs"),
    **dict.fromkeys(("stats", "path", "explore"), "projection"),
    **dict.fromkeys(("queries", "query", "cache"), "query"),
    **dict.fromkeys(("serve", "push"), "server"),
}
ORDER = (
    *("validate", "build", "synth", "locate", "diagram", "export", "describe", "docs", "publish", "reason"),
    *("stats", "path", "explore", "queries", "query", "cache", "serve", "push"),
)


def find_command(name: str) -> Command:
    """The command ``name`` (its function and options) from its module, imported only now: a command line
    of one command imports that command's module alone (``kg query`` none of the library the others call)."""
    module: Any = importlib.import_module(f"kg.cli.{HOMES[name]}")
    return module.COMMANDS[name]


def __getattr__(name: str) -> Any:
    """``COMMANDS``: every command by name (each command module's ``COMMANDS``), made when first asked for."""
    if name == "COMMANDS":
        return {n: find_command(n) for n in ORDER}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # 20 ms: only for --version

    try:
        return version("kg-iran-kazakhstan")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


class _VersionAction(argparse.Action):
    """``--version``: print the installed version, looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        parser.exit(message=f"{parser.prog} {_version()}\n")


def _plain_text(doc: str) -> str:
    r"""A command docstring as --help text: its indentation taken off (as :func:`inspect.cleandoc` does, whose
    module, with ast and dis, was an eighth of a cold ``kg query``'s imports), reST literals (````dot````) and
    roles (``:class:`X```) made plain.

    >>> _plain_text("SVG when ``dot`` is installed; see :func:`kg.query`")
    'SVG when `dot` is installed; see kg.query'
    >>> _plain_text("First line.\n\n    More,\n      indented.\n    ")
    'First line.\n\nMore,\n  indented.'
    """
    first, _, rest = doc.expandtabs().partition("\n")
    doc = (first.strip() + "\n" + textwrap.dedent(rest)).strip("\n")
    doc = re.sub(r":[a-z]+:`~?([^`]+)`", r"\1", doc)
    return re.sub(r"``([^`]+)``", r"`\1`", doc)


class _Parser(argparse.ArgumentParser):
    """argparse with a short usage error: what was wrong and where the help is, not the whole usage.

    ``kg query --lang de`` printed all eight lines of ``kg query``'s usage above the one that mattered.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n(see {self.prog} --help)\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The ``kg`` parser: one sub-parser a command, its help the command function's docstring.

    ``only``: one command's name: its sub-parser alone, which is all that parsing a command line
    of that command needs (about 4 ms less than the eighteen).
    """
    parser = _Parser(
        prog="kg",
        description="A knowledge graph of one ISNA article on Iran–Kazakhstan cooperation (June 2022).",
        epilog=f"Exit codes: {describe_exit_codes()}.",
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)
    for name in ORDER if only is None else (only,):
        handler, add_options = find_command(name)
        doc = _plain_text(handler.__doc__ or "")
        command = sub.add_parser(
            name,
            help=doc.splitlines()[0],
            description=doc,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.set_defaults(handler=handler)
        add_options(command)
    return parser


@functools.cache
def shared_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser (``only``: see :func:`build_parser`), built once a process: the warm query process's
    workers share it."""
    return build_parser(only)


def main(argv: Sequence[str] | None = None) -> int:
    """``kg ARGV`` (the command line's when None); the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = shared_parser(argv[0] if argv and argv[0] in HOMES else None).parse_args(argv)
    stdout = sys.stdout
    if stdout.isatty():  # what a terminal shows of the data: control characters as escapes (kg.terminal)
        sys.stdout = EscapingStream(stdout)  # type: ignore[assignment]
    try:
        with reading(args):
            return int(args.handler(args))
    except KgError as exc:
        print(f"kg {args.command}: error: {printable(str(exc))}", file=sys.stderr)
        return int(exc.exit_code)
    except BrokenPipeError:  # e.g. `kg query ... | head`
        return ExitCode.OK
    # The last line of defence: no traceback, a message naming what failed, a documented code.
    except KeyboardInterrupt:
        print(f"kg {args.command}: interrupted; every output is as it was or whole", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except MemoryError:
        inputs = printable(", ".join(str(d) for d in getattr(args, "data", None) or [])) or "the default data"
        print(f"kg {args.command}: error: out of memory working on {inputs}", file=sys.stderr)
        return ExitCode.TIMEOUT
    except OSError as exc:  # an output, temporary or cache location the system refused
        where = ": ".join(str(f) for f in (exc.filename, exc.filename2) if f is not None) or "(no path given)"
        print(f"kg {args.command}: error: {printable(where)}: {exc.strerror or exc}", file=sys.stderr)
        return ExitCode.OUTPUT
    finally:
        sys.stdout = stdout
