"""Fixtures for the engine tests."""

from __future__ import annotations

import pytest

from jixiao.engine import Scheme
from jixiao.engine.testing import scoring_md_scheme


@pytest.fixture
def scoring_md() -> Scheme:
    return scoring_md_scheme()
