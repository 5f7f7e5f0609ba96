"""Tests for reind.factory.sparkplug."""
