"""The demo district's contract checks (R-INS-07): agreements on projects, one
clean check concluded, one flagging a shadow contract and an illegal
subcontract, waiting for its leader."""

from __future__ import annotations

import pytest

from postaward.inspections.models.contracts import CheckState, ContractCheck, FlagKind
from postaward.projects.models import SupplementaryAgreement
from postaward.testing import demo_build

pytestmark = pytest.mark.django_db


def test_r_ins_07_demo_has_a_clean_and_a_flagging_check(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_build(45)
    assert SupplementaryAgreement.objects.count() >= 3
    clean = ContractCheck.objects.get(state=CheckState.CONCLUDED)
    assert not clean.suspected and clean.flag_count == 0
    flagged = ContractCheck.objects.get(state=CheckState.COMPARED)
    kinds = set(flagged.flags.values_list("kind", flat=True))
    assert {FlagKind.SHADOW_CONTRACT, FlagKind.ILLEGAL_SUBCONTRACT} <= kinds
    from postaward.orgs.models import User

    assert flagged.leader.person_id == User.objects.get(username="housing_staff").person_id
