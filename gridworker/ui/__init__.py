from . import _qt_compat  # noqa: F401 - must run before any PySide6 call (see the module)
