"""core.web.page_view: every refusal of a service becomes a page, never a 500."""

from __future__ import annotations

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from postaward.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from postaward.core.web import page_view
from postaward.orgs.actors import actor_for

pytestmark = pytest.mark.django_db


def request_of(user, method="get"):
    request = getattr(RequestFactory(), method)("/somewhere/?page=2")
    request.user = user
    request.actor = actor_for(user)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def raising(exc):
    @page_view
    def view(request):
        raise exc

    return view


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (NotFound(), 404),
        (Forbidden("仅单位总管可以新增单位"), 403),
        (Conflict("该停工申报已处理"), 409),
        (ValidationFailed("日期不正确", field="on"), 422),
    ],
)
def test_refusals_on_a_get_render_the_error_page_with_their_status(district, exc, status):
    response = raising(exc)(request_of(district.users["school_admin"]))
    assert response.status_code == status
    assert exc.message in response.content.decode()


def test_a_refused_post_goes_back_to_the_page_with_the_reason(district):
    request = request_of(district.users["school_admin"], "post")
    response = raising(Conflict("该停工申报已处理"))(request)
    assert response.status_code == 302
    assert response["Location"] == "/somewhere/?page=2"
    assert [str(m) for m in request._messages] == ["该停工申报已处理"]


def test_an_account_without_roles_gets_403_before_the_view_runs(district):
    called = []

    @page_view
    def view(request):
        called.append(True)

    request = request_of(district.users["roleless"])
    request.resolver_match = type("M", (), {"url_name": "organisation_list"})()
    assert view(request).status_code == 403
    # Without a resolved page name too (fail closed).
    assert view(request_of(district.users["roleless"])).status_code == 403
    assert called == []
