# gridworker: `make demo` runs the app on a demo community; `make test` runs the tests.
.PHONY: setup demo test

setup:
	bash .ci/setup

demo: setup
	.venv/bin/gridworker demo

test: setup
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q -p no:cacheprovider -n 2 --dist loadfile

