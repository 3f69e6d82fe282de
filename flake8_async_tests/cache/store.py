"""The plugin's cache folder: signed entries, written atomically, never trusted blindly.

Why signed: the folder lives in the project (`.flake8_async_tests_cache/` in the pytest
rootdir, as pytest and ruff keep theirs), and entries hold pickles; unpickling runs code, so a
cache folder committed by someone else (a pull request) must never be loaded. Each entry is
signed with a key of this user's, kept outside every project (`~/.cache/flake8-async-tests`,
mode 0600); an entry that does not verify is a miss.
Why atomic: concurrent flake8 workers (`--jobs`) and editors write at once: an entry is written
to a temporary file and renamed into place, so a reader sees a whole entry or none.
Never an error: an unreadable, corrupt, foreign or stale entry is a miss (one debug line), and
a folder that cannot be written is not written again in this process.
Every entry's name and content carry the plugin's fingerprint (Python, astroid and the
plugin's own source): another version never reads them.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
import pickle
import shutil
import sys
import tempfile
from pathlib import Path

import astroid

LOG = logging.getLogger("flake8_async_tests")
FORMAT = 1
DIRECTORY_NAME = ".flake8_async_tests_cache"
#: Signature length (HMAC-SHA256).
SIGNATURE = 32


@functools.lru_cache(maxsize=None)
def plugin_fingerprint() -> str:
    """Python, astroid and this plugin's own source: any change makes every entry foreign."""
    digest = hashlib.sha256()
    digest.update(f"{FORMAT} {sys.version} {sys.platform} {astroid.__version__}".encode())
    package = Path(__file__).parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _user_cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "flake8-async-tests"


@functools.lru_cache(maxsize=None)
def signing_key() -> bytes | None:
    """A secret of this user's, made once, kept outside every project (0600)."""
    path = _user_cache_home() / "signing-key"
    try:
        return _read_key(path)
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(os.urandom(32))
    except FileExistsError:
        pass  # another process made it meanwhile
    except OSError as error:
        LOG.debug("flake8-async-tests: no signing key, no cache: %r", error)
        return None
    try:
        return _read_key(path)
    except OSError:
        return None


def _read_key(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) != 32:
        raise OSError("bad key")
    return key


class CacheFolder:
    """One cache folder: entries of a kind ("modules", "names", "findings") under a key."""

    def __init__(self, directory: Path, key: bytes) -> None:
        self.directory = directory
        self.entries = directory / f"v{FORMAT}-{plugin_fingerprint()[:16]}"
        self._key = key
        self.writable = True

    @classmethod
    def open(cls, directory: Path) -> "CacheFolder | None":
        key = signing_key()
        return cls(directory, key) if key is not None else None

    def _path(self, kind: str, key: str) -> Path:
        name = hashlib.sha256(f"{plugin_fingerprint()}\0{kind}\0{key}".encode()).hexdigest()
        return self.entries / f"{kind}-{name[:40]}"

    def _sign(self, body: bytes) -> bytes:
        return hmac.new(self._key, body, "sha256").digest()

    def read(self, kind: str, key: str) -> tuple[object, bytes] | None:
        """(header, payload) of the entry, or None: missing, unreadable, corrupt or foreign."""
        path = self._path(kind, key)
        try:
            if self.directory.is_symlink():
                return None
            blob = path.read_bytes()
        except OSError:
            return None
        try:
            signature, body = blob[:SIGNATURE], blob[SIGNATURE:]
            if not hmac.compare_digest(signature, self._sign(body)):
                raise ValueError("not signed by this user")
            length = int.from_bytes(body[:8], "big")
            stored_kind, stored_key, header = pickle.loads(body[8:8 + length])
            if (stored_kind, stored_key) != (kind, key):
                raise ValueError("another entry's content")
        except Exception as error:  # corrupt or foreign: a miss
            LOG.debug("flake8-async-tests: cache entry %s unusable: %r", path, error)
            return None
        return header, body[8 + length:]

    def write(self, kind: str, key: str, header: object, payload: bytes = b"") -> bool:
        """Store an entry; False when the folder cannot be written."""
        if not self.writable:
            return False
        encoded = pickle.dumps((kind, key, header), protocol=pickle.HIGHEST_PROTOCOL)
        body = len(encoded).to_bytes(8, "big") + encoded + payload
        try:
            self._prepare()
            descriptor, temporary = tempfile.mkstemp(dir=self.entries, prefix=".tmp-")
            try:
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(self._sign(body) + body)
                os.replace(temporary, self._path(kind, key))
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as error:
            self.writable = False
            LOG.debug("flake8-async-tests: cache %s not writable: %r", self.directory, error)
            return False
        return True

    def _prepare(self) -> None:
        if self.directory.is_symlink():
            raise OSError("the cache folder is a symbolic link")
        if self.entries.is_dir():
            return
        self.entries.mkdir(parents=True, exist_ok=True)
        ignore = self.directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Made by flake8-async-tests: its cache, never to be committed.\n*\n")
        self._drop_other_versions()

    def _drop_other_versions(self) -> None:
        """Entries of another plugin, astroid or Python version are never read again: their
        folders go when this version makes its own (the cache would otherwise only grow)."""
        for sibling in self.directory.glob("v*-*"):
            if sibling != self.entries and sibling.is_dir() and not sibling.is_symlink():
                shutil.rmtree(sibling, ignore_errors=True)
