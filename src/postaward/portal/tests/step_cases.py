"""Situation of the publish step for the generated authorization tests
(``core/tests/test_steps_authz.py``; R-CAS-05)."""

from __future__ import annotations

from postaward.core.tests.step_cases import StepCase

from . import pub_factories as f

API = {"portal.publication": "/api/v1/portal/publications/{id}"}

CASES = {
    "portal.publication.publish": StepCase(
        setup=f.pending,
        user="office_staff",
        data={"masked_text": ""},
        wrong_role="office_admin",
        out_of_scope="housing_staff",
        wrong_state=f.published,
    ),
}
