"""The app's settings, read and written with explicit types through one module.

    settings = Settings()            # after QApplication has its organisation and application name
    settings.language                # "zh_CN" (default) or "en"
    settings.language = "en"

Every key has a default and a type here; nothing else in the program calls ``QSettings`` directly.
Tests pass a ``QSettings`` on an INI file in ``tmp_path`` so they never touch the user's settings.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"


# 字号: the application's point size for 标准 / 大 / 特大.
FONT_SIZES: dict[str, float] = {"standard": 10.5, "large": 12.5, "xlarge": 14.5}
FONT_SIZE_LABELS = {"standard": "标准", "large": "大", "xlarge": "特大"}


class Settings:
    """Typed access to the persisted preferences of this laptop's app."""

    def __init__(self, qsettings: QSettings | None = None):
        # QSettings() without arguments needs organisation and application names set first
        # (gridworker.ui.app.configure_application does that before anything reads settings).
        self.q = qsettings if qsettings is not None else QSettings()

    @classmethod
    def at(cls, path: str | Path) -> "Settings":
        """Settings stored in an INI file (tests, portable installs)."""
        return cls(QSettings(str(path), QSettings.Format.IniFormat))

    # ------------------------------------------------------------------ typed helpers
    def _str(self, key: str, default: str) -> str:
        value = self.q.value(key, default, type=str)
        return value if isinstance(value, str) else default

    def _int(self, key: str, default: int, lo: int, hi: int) -> int:
        try:
            value = int(self.q.value(key, default, type=int))
        except (TypeError, ValueError):
            return default
        return min(max(value, lo), hi)

    def _bool(self, key: str, default: bool) -> bool:
        value = self.q.value(key, default, type=bool)
        return bool(value)

    # ------------------------------------------------------------------ language
    @property
    def language(self) -> str:
        value = self._str("ui/language", DEFAULT_LANGUAGE)
        return value if value in LANGUAGES else DEFAULT_LANGUAGE

    @language.setter
    def language(self, value: str) -> None:
        if value not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}")
        self.q.setValue("ui/language", value)

    # ------------------------------------------------------------------ security
    @property
    def idle_lock_minutes(self) -> int:
        """Lock the window after this many minutes without input; 0 = never."""
        return self._int("security/idle_lock_minutes", 10, 0, 24 * 60)

    @idle_lock_minutes.setter
    def idle_lock_minutes(self, value: int) -> None:
        self.q.setValue("security/idle_lock_minutes", int(value))

    @property
    def last_username(self) -> str:
        return self._str("login/last_username", "")

    @last_username.setter
    def last_username(self, value: str) -> None:
        self.q.setValue("login/last_username", value)

    # ------------------------------------------------------------------ sync
    @property
    def auto_sync_minutes(self) -> int:
        """Sync on a timer every this many minutes while the server is reachable; 0 = only by hand."""
        return self._int("sync/auto_minutes", 5, 0, 24 * 60)

    @auto_sync_minutes.setter
    def auto_sync_minutes(self, value: int) -> None:
        self.q.setValue("sync/auto_minutes", int(value))

    @property
    def sync_on_close(self) -> bool:
        return self._bool("sync/on_close", True)

    @sync_on_close.setter
    def sync_on_close(self, value: bool) -> None:
        self.q.setValue("sync/on_close", bool(value))

    # ------------------------------------------------------------------ places and window
    @property
    def data_dir(self) -> str:
        """The laptop data folder used last (empty: the platform's default)."""
        return self._str("app/data_dir", "")

    @data_dir.setter
    def data_dir(self, value: str) -> None:
        self.q.setValue("app/data_dir", str(value))

    @property
    def window_geometry(self) -> QByteArray | None:
        value = self.q.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self.q.setValue("window/geometry", value)

    @property
    def last_workspace(self) -> str:
        return self._str("window/workspace", "households")

    @last_workspace.setter
    def last_workspace(self, value: str) -> None:
        self.q.setValue("window/workspace", value)

    # ------------------------------------------------------------------ 字号 (per user)
    def font_size(self, username: str) -> str:
        """设置 → 字号 of this user: ``standard`` / ``large`` / ``xlarge`` (标准 / 大 / 特大)."""
        value = self._str(f"users/{username}/font_size", "")
        if value in FONT_SIZES:
            return value
        return "large" if self._bool(f"users/{username}/large_text", False) else "standard"  # the old 大字 switch

    def set_font_size(self, username: str, size: str) -> None:
        if size not in FONT_SIZES:
            raise ValueError(f"font size must be one of {tuple(FONT_SIZES)}")
        self.q.setValue(f"users/{username}/font_size", size)

    # 我的联系户's 大字 switch is the same setting: on = at least 大.
    def large_text(self, username: str) -> bool:
        return self.font_size(username) != "standard"

    def set_large_text(self, username: str, on: bool) -> None:
        current = self.font_size(username)
        self.set_font_size(username, (current if current != "standard" else "large") if on else "standard")

    def sync(self) -> None:
        """Write pending changes to storage now (Qt otherwise does it later)."""
        self.q.sync()
