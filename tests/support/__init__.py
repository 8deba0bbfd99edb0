"""Helpers the tests share: plain modules that fixtures and tests import (never conftest)."""
