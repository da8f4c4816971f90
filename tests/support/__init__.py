"""Helpers the tests share (and the benchmarks borrow): servers, PostgreSQL, laptops."""
