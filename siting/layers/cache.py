"""An on-disk cache of validated layers and site tables, so a new process starts fast.

Reading, checking and joining the national layers costs most of a cold ``siting rank``
(about 0.8 s of CSV parsing, validation, the grid join and the reach sums); the cached result
loads in well under 0.1 s. An entry is found by a key that changes whenever its result could:

- the bytes (SHA-256) and the resolved path of every layer file and of each folder's
  ``catalog.toml`` (a ``--geodata`` folder gets its own entries, and an edited file a new
  key, whatever its modification time);
- the package version and a fingerprint of the code that reads, checks and joins the layers
  (the sources of :mod:`siting.layers`, :mod:`siting.settings` and :mod:`siting.vocab`), so a
  new schema or validation rule never meets an old entry;
- the settings the result depends on (the CRSs; for a site table also the reach settings and
  the reference year of dated facts).

An entry is a pickle behind a header with its key and the SHA-256 of the payload. Layers and
site tables are stored with their geometry pickled apart (:class:`~.deferred.StoredLayers`,
:class:`~.site_table.StoredSiteTable`), so a ranking that reads no geometry loads without
geopandas. A missing,
truncated, corrupt or foreign entry is ignored and rebuilt, silently; a cache that cannot be
written (read-only home, full disk) only costs the speed. Only layers that passed every check
are stored: a layer with errors is read and reported as always.

The cache holds only what the tool derived from the user's own layer files and is read only
from a folder the current user owns and nobody else may write (as Python trusts its
``__pycache__``); a folder that fails that test is not used. Set
:data:`siting.settings.disk_cache` to ``False`` (or ``SITING_CACHE_DIR`` to an empty string) to
switch it off. At most :data:`MAX_ENTRIES` entries are kept; the least recently used go first.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from siting import settings

#: Entries kept on disk; older ones are removed when a new one is written.
MAX_ENTRIES = 24

_MAGIC = b"siting-cache-1\n"
_SUFFIX = ".pickle"


def cache_folder() -> Path | None:
    """Return the cache folder in use, or ``None`` when the cache is off or unsafe to use.

    Returns
    -------
    Path or None
        :data:`siting.settings.cache_dir`, else ``$SITING_CACHE_DIR``, else
        ``$XDG_CACHE_HOME/siting``, else ``~/.cache/siting``; created (mode 0700) if needed.
    """
    if not settings.disk_cache:
        return None
    if settings.cache_dir is not None:
        folder = Path(settings.cache_dir)
    elif "SITING_CACHE_DIR" in os.environ:
        if not os.environ["SITING_CACHE_DIR"].strip():
            return None
        folder = Path(os.environ["SITING_CACHE_DIR"])
    elif os.environ.get("XDG_CACHE_HOME", "").strip():
        folder = Path(os.environ["XDG_CACHE_HOME"]) / "siting"
    else:
        folder = Path.home() / ".cache" / "siting"
    try:
        folder = folder.expanduser()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except (OSError, RuntimeError):
        return None
    if hasattr(os, "getuid") and (
        info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    ):
        return None  # someone else could have put an entry there
    return folder


def layers_key(files: dict[str, Path]) -> str:
    """Return the key of the layers read from ``files`` (layer name -> file).

    Parameters
    ----------
    files
        The layer files, as :func:`siting.layers.load.load_geodata` resolves them.

    Returns
    -------
    str
        A hex SHA-256 over the code fingerprint, the CRS settings and every file's path and bytes
        (with each folder's ``catalog.toml``).
    """
    digest = hashlib.sha256()
    digest.update(_code_fingerprint().encode())
    digest.update(f"{settings.working_crs}|{settings.display_crs}".encode())
    catalogs = sorted({p.parent / "catalog.toml" for p in files.values()})
    for name, path in [*sorted(files.items()), *(("catalog", p) for p in catalogs)]:
        digest.update(f"\0{name}\0{Path(path).resolve()}\0".encode())
        digest.update(_file_digest(Path(path)))
    return digest.hexdigest()


def derived_key(base: str, *parts: object) -> str:
    """Return the key of a result derived from the entry ``base`` with the given settings."""
    return hashlib.sha256("\0".join([base, *map(repr, parts)]).encode()).hexdigest()


def load_entry(kind: str, key: str) -> Any | None:
    """Return the cached object of ``kind`` under ``key``, or ``None`` (missing or unusable)."""
    body = load_blob(kind, key)
    if body is None:
        return None
    try:
        return pickle.loads(body)  # our own entry, checked
    except Exception:  # an entry of another library version: rebuild
        return None


def store_entry(kind: str, key: str, value: object) -> None:
    """Write ``value`` as the entry of ``kind`` under ``key`` (atomically); errors are ignored."""
    try:
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    store_blob(kind, key, body)


def load_blob(kind: str, key: str) -> bytes | None:
    """Return the bytes stored as ``kind`` under ``key`` (checked), or ``None``.

    The entry becomes the most recently used.
    """
    folder = cache_folder()
    if folder is None:
        return None
    path = folder / f"{kind}-{key}{_SUFFIX}"
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    header = _MAGIC + key.encode() + b"\n"
    body = blob[len(header) + 64 :]
    if not blob.startswith(header) or blob[len(header) : len(header) + 64] != _sha(body):
        return None  # truncated, corrupt or not ours: rebuilt by the caller
    touch_entry(kind, key)
    return body


def store_blob(kind: str, key: str, body: bytes) -> None:
    """Write ``body`` as the entry of ``kind`` under ``key`` (atomically); errors are ignored."""
    folder = cache_folder()
    if folder is None:
        return
    try:
        handle, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=_SUFFIX)
        with os.fdopen(handle, "wb") as fh:
            fh.write(_MAGIC + key.encode() + b"\n" + _sha(body) + body)
        os.replace(tmp, folder / f"{kind}-{key}{_SUFFIX}")
    except OSError:
        return
    _prune(folder.glob(f"*{_SUFFIX}"))


def touch_entry(kind: str, key: str) -> None:
    """Mark the entry of ``kind`` under ``key`` most recently used (if there), without reading it.

    For a part kept in an entry of its own and read only when needed: it is kept as long as
    the entry it belongs to.
    """
    folder = cache_folder()
    if folder is None:
        return
    try:
        os.utime(folder / f"{kind}-{key}{_SUFFIX}")
    except OSError:
        pass


#: id of a cached result -> (the result, what it was derived from, its key): see
#: :func:`remember_key`.
_KEYS: dict[int, tuple[object, object, str]] = {}


def remember_key(value: object, source: object, key: str) -> None:
    """Remember that ``value``, derived from ``source``, is the entry under ``key``.

    Results derived from ``value`` can then be cached too (:func:`remembered_key`); the
    objects are kept, so an id reused after garbage collection never finds a stale key.
    """
    if len(_KEYS) >= 32:  # as many as the in-memory caches can still hold (3 per table)
        _KEYS.pop(next(iter(_KEYS)))
    _KEYS[id(value)] = (value, source, key)


def remembered_key(value: object, source: object) -> str | None:
    """Return the key :func:`remember_key` gave ``value`` derived from ``source``, else ``None``."""
    hit = _KEYS.get(id(value))
    if hit is None or hit[0] is not value or hit[1] is not source:
        return None
    return hit[2]


def source_fingerprint(*folders: str) -> str:
    """Return a hash of the code fingerprint and the sources of more subpackages (memoised).

    Parameters
    ----------
    folders
        Subpackages of :mod:`siting` (e.g. ``"criteria"``) whose ``*.py`` files shape a
        derived result, so an entry is rebuilt when one of them changes.
    """
    if folders not in _MORE_FINGERPRINTS:
        package = Path(__file__).resolve().parents[1]
        digest = hashlib.sha256(_code_fingerprint().encode())
        for folder in folders:
            for source in sorted((package / folder).glob("*.py")):
                digest.update(f"{folder}/{source.name}".encode() + _file_digest(source))
        _MORE_FINGERPRINTS[folders] = digest.hexdigest()
    return _MORE_FINGERPRINTS[folders]


_MORE_FINGERPRINTS: dict[tuple[str, ...], str] = {}


def _prune(entries: Iterable[Path]) -> None:
    """Remove all but the :data:`MAX_ENTRIES` most recently used entries."""
    try:
        found = sorted(entries, key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for path in found[MAX_ENTRIES:]:
            path.unlink(missing_ok=True)
    except OSError:
        pass


def _sha(body: bytes) -> bytes:
    return hashlib.sha256(body).hexdigest().encode()


def _file_digest(path: Path) -> bytes:
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return b"absent"


_FINGERPRINT: list[str] = []


def _code_fingerprint() -> str:
    """Return the package version and a hash of the sources that shape the layers (memoised)."""
    if not _FINGERPRINT:
        from importlib.metadata import PackageNotFoundError, version

        try:
            release = version("siting")
        except PackageNotFoundError:  # pragma: no cover - a source tree without install
            release = "unknown"
        package = Path(__file__).resolve().parents[1]
        sources = [
            *sorted((package / "layers").glob("*.py")),
            package / "settings.py",
            package / "vocab.py",
        ]
        digest = hashlib.sha256(release.encode())
        for source in sources:
            digest.update(source.name.encode() + _file_digest(source))
        _FINGERPRINT.append(digest.hexdigest())
    return _FINGERPRINT[0]
