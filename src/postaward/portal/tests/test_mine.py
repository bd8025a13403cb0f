"""我的投诉举报: a logged-in member of the public (社会公众, ``public_user``)
sees the filings they made while logged in, with the state and the tracking
view without the code; nobody else sees that list (R-CMP-04: the filings and
their identity stay with the one who filed them; R-CMP-01 filing online)."""

from __future__ import annotations

import pytest
from django.test import Client

from postaward.complaints.models import Complaint
from postaward.core.actor import SYSTEM
from postaward.orgs import services as org_services

from .test_public import COMPLAINT, _code, _file

pytestmark = pytest.mark.django_db


def _citizen(username: str) -> Client:
    user, _ = org_services.create_public_account(
        actor=SYSTEM, username=username, display_name=username
    )
    c = Client()
    c.force_login(user)
    return c


def test_r_cmp_04_a_public_user_sees_only_their_own_filings(district):
    me = _citizen("citizen_a")
    other = _citizen("citizen_b")
    mine, _ = _code(_file(me, COMPLAINT).content.decode())
    theirs, _ = _code(
        _file(
            other, {**COMPLAINT, "mobile": "13900001234", "facts": "另一件：安全员不在岗情况"}
        ).content.decode()
    )
    anonymous, _ = _code(
        _file(
            Client(), {**COMPLAINT, "mobile": "13700001234", "facts": "第三件：监理不在岗情况"}
        ).content.decode()
    )
    assert Complaint.objects.get(receipt_number=mine).filed_by.username == "citizen_a"
    page = me.get("/public/mine/").content.decode()
    assert mine in page and theirs not in page and anonymous not in page
    assert "待受理" in page
    detail = me.get(f"/public/mine/{mine}/")
    assert detail.status_code == 200 and 'data-testid="tracked-state"' in detail.content.decode()
    assert "张三" not in detail.content.decode()
    # another member of the public's filing (and one filed anonymously) look missing
    assert me.get(f"/public/mine/{theirs}/").status_code == 404
    assert me.get(f"/public/mine/{anonymous}/").status_code == 404
    assert theirs in other.get("/public/mine/").content.decode()


def test_r_cmp_04_my_filings_need_a_public_users_login(district):
    d = district
    _file(_citizen("citizen_a"), COMPLAINT)
    number = Complaint.objects.get().receipt_number
    for url in ("/public/mine/", f"/public/mine/{number}/"):
        r = Client().get(url)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
        for staff in ("office_staff", "office_admin", "housing_staff"):
            refused = d.client(staff).get(url)
            assert refused.status_code == 403, (staff, url)
            assert number not in refused.content.decode()
    # staff keep their normal pages
    assert d.client("office_staff").get("/complaints/").status_code == 200


def test_r_cmp_04_a_public_user_account_has_no_organisation_and_only_its_role(district):
    from postaward.core.errors import Forbidden
    from postaward.orgs.actors import actor_for_username

    _citizen("citizen_a")
    number, _ = _code(_file(Client(), COMPLAINT).content.decode())
    a = actor_for_username("citizen_a")
    assert a.organisation_id is None and a.roles == {"public_user"}
    with pytest.raises(Forbidden):
        org_services.create_public_account(
            actor=district.actor("office_admin"), username="x", display_name="x"
        )
    # the back office shows them nothing of the district
    c = Client()
    c.force_login(a.user)
    assert number not in c.get("/complaints/").content.decode()


def test_r_cmp_04_a_public_user_lands_on_their_filings_not_the_back_office(district):
    """After logging in, a member of the public has no back office: the home
    page sends them to 我的投诉举报; staff keep their home page."""
    r = _citizen("citizen_a").get("/")
    assert r.status_code == 302 and r["Location"] == "/public/mine/"
    assert district.client("office_staff").get("/").status_code == 200
