"""Tests of gridworker/ops (a package: its file names repeat those of tests/ui)."""
