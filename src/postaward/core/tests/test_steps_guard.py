"""A guard refuses with 409 and its reason, or with the refusal it gives
(unmet requirements: 422 with one item per missing thing, ADR 0065)."""

from __future__ import annotations

from postaward.core.errors import Conflict, ValidationFailed
from postaward.core.steps import Guard


def test_a_guard_refuses_with_409_and_its_reason_by_default():
    g = Guard(lambda obj, actor: False, "超过3日退回期限", code="window_closed")
    err = g.refusal(object(), None, "《办法》第十条")  # type: ignore[arg-type]
    assert isinstance(err, Conflict)
    assert (err.status, err.code, err.message) == (409, "window_closed", "超过3日退回期限")


def test_a_guard_may_give_its_own_refusal():
    def missing(obj, actor):
        return ValidationFailed(
            "开工条件未满足",
            code="requirements_not_met",
            errors=[{"field": "permit", "message": "尚缺施工许可"}],
        )

    g = Guard(lambda obj, actor: False, "开工条件未满足", refuse=missing)
    err = g.refusal(object(), None, None)  # type: ignore[arg-type]
    assert isinstance(err, ValidationFailed)
    assert (err.status, err.code) == (422, "requirements_not_met")
    assert err.errors == [{"field": "permit", "message": "尚缺施工许可"}]
