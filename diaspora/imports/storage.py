"""Uploaded files of imports, stored under their SHA-256 (never under a name the client gives), and the
wizard's prepared previews beside them."""
import hashlib
import pickle
import re
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import current_app

from diaspora.config import private_file, private_folder

_SHA256 = re.compile(r"[0-9a-f]{64}")


def uploads_dir() -> Path:
    """Where uploaded files are kept (readable by the app's user only): IMPORT_UPLOADS_DIR, by default
    instance/uploads."""
    return private_folder(current_app.config.get("IMPORT_UPLOADS_DIR") or Path(current_app.instance_path) / "uploads")


def store_upload(stream) -> tuple[str, int]:
    """Save an uploaded file under instance/uploads/<sha256>; (sha256, size). The client names no path."""
    digest = hashlib.sha256()
    temporary = uploads_dir() / f"incoming-{threading.get_ident()}-{id(stream)}"
    size = 0
    with private_file(temporary) as target:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            target.write(chunk)
            size += len(chunk)
    sha = digest.hexdigest()
    temporary.replace(uploads_dir() / sha)
    return sha, size


def store_file(path) -> tuple[str, int]:
    """Keep a copy of a file imported from the command line, so its batch offers the error workbook."""
    with open(path, "rb") as stream:
        return store_upload(stream)


def upload_path(sha: str) -> Path:
    """The stored file of a batch; the name is checked to be a SHA-256, never taken as a path."""
    if not _SHA256.fullmatch(sha or ""):
        raise FileNotFoundError(sha)
    path = uploads_dir() / sha
    if not path.is_file():
        raise FileNotFoundError(sha)
    return path


def _preview_path(batch_id: int, key: str) -> Path:
    return uploads_dir() / f"preview-{int(batch_id)}-{hashlib.sha256(key.encode()).hexdigest()[:32]}"


def save_preview(batch_id: int, key: str, preparation) -> None:
    """Keep a draft's preparation for `key` (its file and choices), replacing the ones kept before."""
    for old in uploads_dir().glob(f"preview-{int(batch_id)}-*"):
        old.unlink(missing_ok=True)
    path = _preview_path(batch_id, key)
    temporary = path.with_name(f"incoming-{path.name}-{threading.get_ident()}")
    with private_file(temporary) as target:
        pickle.dump(preparation, target, protocol=pickle.HIGHEST_PROTOCOL)
    temporary.replace(path)


def load_preview(batch_id: int, key: str, max_age: float):
    """The preparation kept for a draft and `key` if it is younger than `max_age` seconds, else None.
    The file is the application's own (written by save_preview under the instance folder)."""
    path = _preview_path(batch_id, key)
    try:
        if time.time() - path.stat().st_mtime > max_age:
            return None
        with path.open("rb") as source:
            return pickle.load(source)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return None


def remove_unused_files(kept: set[str], now) -> int:
    """Delete stored files no batch refers to, and old previews (older than an hour: an upload being
    stored is newer)."""
    removed = 0
    for path in uploads_dir().iterdir():
        modified = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        if path.name not in kept and modified < now - timedelta(hours=1):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def has_upload(sha: str) -> bool:
    """Whether the stored file of a batch is still kept (retention and erasure delete them)."""
    try:
        upload_path(sha)
    except FileNotFoundError:
        return False
    return True


def remove_upload(sha: str) -> int:
    """Delete a stored file by its SHA-256; 1 when there was one, else 0."""
    try:
        path = upload_path(sha)
    except FileNotFoundError:
        return 0
    path.unlink(missing_ok=True)
    return 1


def remove_previews(batch_id: int) -> int:
    """Delete the previews the wizard kept for a batch; how many there were."""
    removed = 0
    for path in uploads_dir().glob(f"preview-{int(batch_id)}-*"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed
