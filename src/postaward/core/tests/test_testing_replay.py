"""The replayed value each test gets (``postaward.testing.Snapshot``, ADR 0091):
a copy no other test has seen, equal to what the build returned, with the
build's shared objects still shared; a value pickle would copy differently (a
queryset: pickling evaluates it) is deep-copied instead."""

from __future__ import annotations

import pytest

from postaward import testing
from postaward.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def test_each_copy_is_fresh_equal_and_keeps_what_the_build_shared():
    snap = testing.capture(("replay-copy",), testing.build_district)
    assert snap.frozen is not None  # the small district is unpickled, not deep-copied
    first, second = snap.fresh_value(), snap.fresh_value()
    assert first is not second and first.users["pm_a"] is not second.users["pm_a"]
    assert first.users.keys() == snap.value.users.keys()
    for name, user in snap.value.users.items():
        assert (first.users[name].pk, first.users[name].username) == (user.pk, user.username)
        assert first.users[name].organisation_id == user.organisation_id
    # What one build shared stays shared within a copy, as ``deepcopy`` keeps it.
    built = snap.value.projects["p_school"].owner is snap.value.orgs["school"]
    assert (first.projects["p_school"].owner is first.orgs["school"]) is built
    # A test that changes its copy changes nobody else's.
    first.orgs["school"].name = "改过的名字"
    assert second.orgs["school"].name == snap.value.orgs["school"].name != "改过的名字"
    assert snap.fresh_value().orgs["school"].name == snap.value.orgs["school"].name


def test_a_value_holding_a_queryset_is_deep_copied_not_frozen():
    def build() -> dict:
        testing.org(None, "复制测试单位", "supervision_office")
        return {"units": Organisation.objects.all(), "n": 1}

    snap = testing.capture(("replay-queryset",), build)
    assert snap.frozen is None  # pickling would have run the query and kept its rows
    value = snap.fresh_value()
    assert value["n"] == 1 and value["units"]._result_cache is None
