"""Files awsml derives once from the installed botocore and Python, kept per user.

The fast start-up path needs a few things that depend only on the installed
botocore (a SageMaker model cut down to one operation, the endpoint data of
one service, botocore's event-name aliases) or only on the Python build (the
compiled form of the regular expressions start-up compiles). The first run on
a new botocore or Python derives them and stores them here; later runs read
one small file instead of doing the work again.

Where: ``$XDG_CACHE_HOME/awsml`` (an absolute ``XDG_CACHE_HOME`` only, as the
XDG spec says), else ``~/.cache/awsml``.

The cache can only ever make awsml slower or faster, never different:

* every file is written to a private temporary name and renamed into place, so
  a reader sees a whole file or none (32 first runs started together each
  write a complete file; the last rename wins, and all are equal);
* every file starts with a header that names the format and carries the
  length and a CRC-32 of the payload, checked before the payload is
  unmarshalled; a truncated or damaged file is a miss;
* the caller stores, inside the payload, what the data was derived from and
  compares it with what is installed before using it;
* any error (no HOME, a read-only or full disk, a directory that is a file,
  permissions) is a miss or a skipped write, never an error of the command.
  What happened is kept in :data:`notes`, which ``--debug`` prints.

marshal, not JSON or pickle: it loads plain data in C, keeps bytes apart from
str, and runs no code; the files are only read by the Python that wrote them
(the name says which).
"""

from __future__ import annotations

import os
import sys

MAGIC = b"awsml-cache\n"
_HEADER = len(MAGIC) + 8 + 4  # magic, payload length, CRC-32 of the payload

# What went wrong with the cache in this process (for --debug); cleared by nobody.
notes: list[str] = []


def python_tag() -> str:
    """The Python build a file is valid for: implementation and exact version."""
    version = ".".join(str(part) for part in sys.version_info[:3])
    if sys.version_info.releaselevel != "final":
        version += f"{sys.version_info.releaselevel}{sys.version_info.serial}"
    return f"{sys.implementation.name}-{version}"


def directory(environ=None) -> str | None:
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        home = environ.get("HOME") or _home_from_passwd()
        if not home:
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "awsml")


def _home_from_passwd() -> str | None:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_dir
    except (ImportError, KeyError, OSError):
        return None


def path_for(name: str, environ=None) -> str | None:
    folder = directory(environ)
    return None if folder is None else os.path.join(folder, name)


def load(name: str, environ=None):
    """The payload stored under ``name``, or None (missing, unreadable or damaged)."""
    import marshal
    import zlib

    path = path_for(name, environ)
    if path is None:
        notes.append("no home directory: the awsml cache is not used")
        return None
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        notes.append(f"cannot read {path}: {exc}")
        return None
    if len(data) < _HEADER or not data.startswith(MAGIC):
        notes.append(f"ignored {path}: not an awsml cache file")
        return None
    length = int.from_bytes(data[len(MAGIC):len(MAGIC) + 8], "big")
    checksum = int.from_bytes(data[len(MAGIC) + 8:_HEADER], "big")
    payload = data[_HEADER:]
    if len(payload) != length or zlib.crc32(payload) != checksum:
        notes.append(f"ignored {path}: truncated or damaged")
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError) as exc:
        notes.append(f"ignored {path}: {exc}")
        return None


def store(name: str, payload, environ=None) -> bool:
    """Write ``payload`` (plain data) under ``name``, atomically; False if it could not be."""
    import marshal
    import zlib

    path = path_for(name, environ)
    if path is None:
        return False
    try:
        data = marshal.dumps(payload)
    except ValueError as exc:
        notes.append(f"not cached ({name}): {exc}")
        return False
    blob = MAGIC + len(data).to_bytes(8, "big") + zlib.crc32(data).to_bytes(4, "big") + data
    folder = os.path.dirname(path)
    temporary = f"{path}.{os.getpid()}.{id(blob):x}.tmp"
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            os.replace(temporary, path)
        except BaseException:
            _remove_quietly(temporary)
            raise
    except OSError as exc:
        notes.append(f"cannot write {path}: {exc}")
        return False
    return True


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
