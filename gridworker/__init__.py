"""gridworker: offline-first grid work with sync."""
__version__ = "0.1.0"
