from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _sms_outbox():
    """The console SMS backend's outbox, empty for each test."""
    from postaward.core import sms

    sms.outbox.clear()
    yield
    sms.outbox.clear()
