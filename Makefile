# Each target bootstraps what it needs (scripts/bootstrap), so a fresh
# machine needs nothing but these commands.
.PHONY: demo test lint bench bootstrap

bootstrap:
	@scripts/bootstrap dev

demo: bootstrap
	@.venv/bin/reind demo

lint: bootstrap
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench
	.venv/bin/mypy
	.venv/bin/lint-imports

test: lint
	.venv/bin/reind rules test
	.venv/bin/pytest

bench:
	@scripts/bootstrap dev,bench
	.venv/bin/python bench/rules.py
