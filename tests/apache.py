"""Start and stop a real Apache httpd (Debian's apache2) for the tests, with its own minimal config.

Habit 9 of STYLE.md: a free 127.0.0.1 port, a deadline for the start, the error log in the
failure message, then SIGTERM (and kill) at the end. The config loads only what the tests need
(mod_rewrite, mod_alias, mod_mime, mod_dir; mod_headers, mod_filter and mod_deflate, which the rules
use where a host has them) and lives in a temporary folder.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from kg.processes import free_port, stop

APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
MODULES = Path("/usr/lib/apache2/modules")


@contextmanager
def running_apache(folder: Path, aliases: Mapping[str, Path]) -> Iterator[str]:
    """Apache serving each folder of ``aliases`` at its URL path (``/static/``), ``.htaccess`` allowed; its URL."""
    if not Path(APACHE).exists():
        pytest.skip("Debian's apache2 is not installed (apt-get install apache2)")
    port = free_port()
    modules = ["mpm_event", "authz_core", "alias", "rewrite", "mime", "dir", "headers", "filter", "deflate"]
    lines = [
        f'ServerRoot "{folder}"',
        "ServerName 127.0.0.1",
        f"Listen 127.0.0.1:{port}",
        f'PidFile "{folder}/httpd.pid"',
        f'ErrorLog "{folder}/error.log"',
        "LogLevel warn rewrite:trace2",
        f'DefaultRuntimeDir "{folder}"',
        f"Mutex file:{folder} default",
        *(f"LoadModule {m}_module {MODULES}/mod_{m}.so" for m in modules),
        "TypesConfig /etc/mime.types",
        f'DocumentRoot "{folder}"',
    ]
    for url, path in aliases.items():
        lines += [
            f'Alias "{url}" "{path}/"',
            f'<Directory "{path}">',
            "  AllowOverride All",
            "  Require all granted",
            "</Directory>",
        ]
    config = folder / "httpd.conf"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    process = subprocess.Popen(
        [APACHE, "-f", str(config), "-DFOREGROUND"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                log = (folder / "error.log").read_text(encoding="utf-8") if (folder / "error.log").exists() else ""
                pytest.fail(
                    f"apache2 exited with {process.returncode}: {process.stdout.read() if process.stdout else ''} {log}"
                )
            try:
                urllib.request.urlopen(url + "/", timeout=1).close()
                break
            except urllib.error.HTTPError:
                break  # it answers (a 404 for /)
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"apache2 did not answer within 30 s: {error_log(folder)}")
                time.sleep(0.05)
        yield url
    finally:
        stop(process, grace=10)


def error_log(folder: Path) -> str:
    path = folder / "error.log"
    return path.read_text(encoding="utf-8", errors="replace")[-4000:] if path.exists() else ""
