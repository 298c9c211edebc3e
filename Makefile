# Conveniences over ./run, which is the real entry point.
.PHONY: demo test setup lint
demo:
	./run demo
test:
	./run test
setup:
	./run setup
lint:
	.venv/bin/ruff check src tests benchmarks && .venv/bin/mypy src/sitroom
