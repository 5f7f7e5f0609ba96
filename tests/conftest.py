"""Shared fixtures: real servers live in ``tests/fixtures/servers.py``."""

pytest_plugins = ["tests.fixtures.servers"]
