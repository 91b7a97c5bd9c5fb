"""Writing a document to a file a person chose: never over an existing file unless asked, a path ending in ``/``
is a folder (made if missing), and what the system refuses said in words, never as ``[Errno 2] …``."""

import errno
import os
from pathlib import Path

from cleverinvo.core.errors import CleverInvoError


class FileExists(CleverInvoError):
    """The chosen file exists; ``path`` is it. Writing again with ``overwrite`` replaces it."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists")
        self.path = path


class CannotWrite(CleverInvoError):
    """The system refused to write the file; the message says why in words."""


_REASONS = {
    errno.ENOENT: "the folder does not exist",
    errno.EACCES: "you may not write there",
    errno.EPERM: "you may not write there",
    errno.EROFS: "the disk is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EEXIST: "a file has that name",
    errno.EISDIR: "it is a folder",
    errno.ENAMETOOLONG: "the name is too long",
}


def _words(error: OSError) -> str:
    return _REASONS.get(error.errno or 0, (error.strerror or "the system refused").lower())


def target_file(chosen: str, filename: str) -> Path:
    """The file meant by ``chosen``: itself, or ``filename`` inside it when it names a folder (it ends in ``/``,
    or is an existing folder). ``~`` is the home folder."""
    path = Path(chosen.strip()).expanduser()
    if chosen.strip().endswith(("/", os.sep)) or path.is_dir():
        return path / filename
    return path


def write_file(path: Path, data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path``, making its folder if needed. ``FileExists`` unless ``overwrite``; a file is
    never left half written (the bytes go to a temporary file that then takes the name)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CannotWrite(f"Cannot make the folder {path.parent}: {_words(error)}") from None
    if path.is_dir():
        raise CannotWrite(f"Cannot write {path}: it is a folder")
    if path.exists() and not overwrite:
        raise FileExists(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise CannotWrite(f"Cannot write {path}: {_words(error)}") from None
    return path
