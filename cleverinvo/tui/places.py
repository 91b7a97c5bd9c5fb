"""What the TUI remembers between runs for the person using it, per account: the folder of the last PDF export.

Kept as JSON in the user's state folder (``$XDG_STATE_HOME/cleverinvo/tui.json`` on Linux); a file that cannot be
read or written is ignored, as this is a convenience and never a reason to fail an export.
"""

import json
from pathlib import Path

from platformdirs import user_state_path


def state_file() -> Path:
    return user_state_path("cleverinvo", appauthor=False) / "tui.json"


def _read() -> dict[str, dict[str, str]]:
    try:
        data = json.loads(state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def last_export_folder(account: str) -> Path | None:
    """The folder this account's last PDF went to, while it still exists."""
    folder = _read().get("exportFolders", {}).get(account)
    return Path(folder) if isinstance(folder, str) and Path(folder).is_dir() else None


def remember_export_folder(account: str, folder: Path) -> None:
    data = _read()
    folders = data.get("exportFolders")
    data["exportFolders"] = {**(folders if isinstance(folders, dict) else {}), account: str(folder)}
    try:
        state_file().parent.mkdir(parents=True, exist_ok=True)
        state_file().write_text(json.dumps(data, indent=2), encoding="utf-8")
    except OSError:
        return
