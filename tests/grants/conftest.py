"""Fixtures shared with the other case app's tests (tests/casework)."""

from tests.casework.stripe import fake_stripe  # noqa: F401 - a fixture
