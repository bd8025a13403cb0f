"""The demo district has a typical case under supervision (with the owner's
progress) and a closed one, so the typical-cases ledger is not empty (R-REP-06)."""

from __future__ import annotations

import pytest

from postaward.testing import demo_build

from ..choices import CaseState
from ..models import TypicalCase

pytestmark = pytest.mark.django_db


def test_r_rep_06_demo_has_a_typical_case_under_supervision_and_a_closed_one():
    demo_build(12)
    open_ = TypicalCase.objects.get(state=CaseState.SUPERVISING)
    assert open_.progress.count() == 1
    assert TypicalCase.objects.filter(state=CaseState.CLOSED).count() == 1
