from __future__ import annotations

import pytest

from .contract import contract_events


@pytest.fixture(autouse=True)
def _contract_events():
    with contract_events():
        yield
