"""Authorization rows generated from the step registry (ADR 0060; R-ORG-04).

For every registered step people take (``core.steps``), with the situation its
app declares in ``postaward/<app>/tests/step_cases.py``:

- API ``POST …/{id}/steps/{name}``: anonymous 401, wrong role 403 with the
  reason, right role out of scope 404, wrong state 409 with the reason — each
  changing nothing — and the right role in scope 200, the object in the step's
  target state, the step's audit record written;
- the page action (``core.steps.page_action``): anonymous to the login page,
  wrong role 403, out of scope 404, wrong state the page again with the
  reason, in scope back to the object's page;
- for every demo account: ``GET …/{id}/steps``, the page's buttons and the
  service agree on what the account may do;
- a step the platform takes (``system``) is not reachable from outside.

A registered step without a case fails ``test_every_step_has_a_case``.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse

from postaward.core import clock, steps
from postaward.core.errors import DomainError
from postaward.core.models import AuditRecord
from postaward.core.tests.step_cases import StepCase
from postaward.testing import District, db_fingerprint, replay


def _load_cases() -> tuple[dict[str, StepCase], dict[str, str]]:
    cases: dict[str, StepCase] = {}
    api: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("postaward."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.step_cases")
        except ModuleNotFoundError:
            continue
        cases.update(getattr(module, "CASES", {}))
        api.update(getattr(module, "API", {}))
    return cases, api


CASES, API = _load_cases()
PEOPLE = [s.key for s in steps.all_steps() if not s.system]
SYSTEM = [s.key for s in steps.all_steps() if s.system]


def _step(key: str) -> steps.Step:
    wf, _, name = key.rpartition(".")
    return steps.get(wf, name)


def _setup(key: str, district: District) -> Any:
    """The case's object: ``setup`` built through the services once per
    process, key and day, then replayed (ADR 0053).

    The API, page and listing rows of a step start from the same situation;
    building it walks the object through its earlier steps (a case issues its
    documents as PDFs on the way), so the three rows share one build. What the
    setup adds to the district (accounts, units, its ``ctx``) travels with the
    object."""

    def run() -> tuple[Any, dict[str, Any]]:
        obj = CASES[key].setup(district)
        return obj, {k: v for k, v in vars(district).items() if k != "replay_key"}

    obj, state = replay(f"step:{key}:{clock.today().isoformat()}", run, on=district)
    vars(district).update(state)
    return obj


def _api(step: steps.Step, obj: Any) -> str:
    return API[step.workflow].format(id=obj.pk) + f"/steps/{step.name}"


def _post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def _state(step: steps.Step, obj: Any) -> str:
    wf = steps.workflow(step.workflow)
    obj.refresh_from_db()
    return str(getattr(obj, wf.state_field))


def test_every_step_has_a_case():
    """R-ORG-04: every step people take has its authorization situation, and
    its workflow an API path."""
    assert PEOPLE, "no steps registered"
    missing = sorted(set(PEOPLE) - set(CASES))
    assert not missing, "add a StepCase in <app>/tests/step_cases.py for: " + ", ".join(missing)
    assert not sorted(set(CASES) - set(PEOPLE)), "cases of steps that are not registered"
    for key in PEOPLE:
        assert _step(key).workflow in API


@pytest.mark.parametrize("key", PEOPLE)
def test_api_callers_of_each_step(district, key):
    """R-ORG-04: anonymous 401, wrong role 403 with the reason, out of scope
    404 (each changing nothing), right role in scope 200 into the target state,
    audited."""
    step, case = _step(key), CASES[key]
    obj = _setup(key, district)
    url = _api(step, obj)
    before = (db_fingerprint(), _state(step, obj))

    assert _post(district.client(None), url, case.payload(district)).status_code == 401
    wrong = _post(district.client(case.wrong_role), url, case.payload(district))
    assert wrong.status_code == 403, wrong.content
    assert wrong.json()["message"] == f"{step.who_label}方可{step.label}"
    out = _post(district.client(case.out_of_scope), url, case.payload(district))
    assert out.status_code == 404, out.content
    assert (db_fingerprint(), _state(step, obj)) == before

    ok = _post(district.client(case.user), url, case.payload(district))
    assert ok.status_code == 200, ok.content
    target = steps.target_state(step)
    if target:
        assert _state(step, obj) == target
    assert AuditRecord.objects.filter(action=step.audit_action).exists()


@pytest.mark.parametrize("key", PEOPLE)
def test_wrong_state_is_refused_with_the_reason(district, key):
    """R-ORG-04: the right role in scope, in a state the step does not leave
    from (or a guard that fails): 409 with the Chinese reason, nothing changed;
    the page shows the same reason."""
    step, case = _step(key), CASES[key]
    obj = case.wrong_state(district)
    before = (db_fingerprint(), _state(step, obj))
    refused = _post(district.client(case.user), _api(step, obj), case.payload(district))
    assert refused.status_code == 409, refused.content
    reason = steps.refusal(step, obj, district.actor(case.user))
    assert reason is not None and refused.json()["message"] == reason.message
    assert (db_fingerprint(), _state(step, obj)) == before
    if step.href is None:
        wf = steps.workflow(step.workflow)
        page = district.client(case.user).post(
            reverse(wf.page_url_name, args=[obj.pk, step.name]), case.page_data(district)
        )
        assert page.status_code == 409
        assert reason.message in page.content.decode()
        assert (db_fingerprint(), _state(step, obj)) == before


@pytest.mark.parametrize("key", [k for k in PEOPLE if _step(k).href is None])
def test_page_callers_of_each_step(district, key):
    """R-ORG-04: the page action: anonymous to the login page, wrong role 403,
    out of scope 404 (nothing changed); in scope back to the object's page."""
    step, case = _step(key), CASES[key]
    obj = _setup(key, district)
    wf = steps.workflow(step.workflow)
    url = reverse(wf.page_url_name, args=[obj.pk, step.name])
    data = case.page_data(district)
    before = (db_fingerprint(), _state(step, obj))
    anon = district.client(None).post(url, data)
    assert anon.status_code == 302 and "login" in anon["Location"]
    assert district.client(case.wrong_role).post(url, data).status_code == 403
    assert district.client(case.out_of_scope).post(url, data).status_code == 404
    assert district.client(case.user).get(url).status_code == 405
    assert (db_fingerprint(), _state(step, obj)) == before
    ok = district.client(case.user).post(url, data)
    assert ok.status_code == 302, ok.content.decode()[:2000]
    assert ok["Location"] == wf.detail_url(obj)  # type: ignore[misc]
    target = steps.target_state(step)
    if target:
        assert _state(step, obj) == target


@pytest.mark.parametrize("key", PEOPLE)
def test_listing_buttons_and_service_agree_for_every_account(district, key):
    """R-ORG-04: for every demo account, what ``GET …/steps`` allows, what the
    page shows as a form or link, and what the service accepts are the same."""
    step, case = _step(key), CASES[key]
    obj = _setup(key, district)
    wf = steps.workflow(step.workflow)
    listing_url = API[step.workflow].format(id=obj.pk) + "/steps"
    for username in district.users:
        client = district.client(username)
        listed = client.get(listing_url)
        actor = district.actor(username)
        fresh = type(obj).objects.get(pk=obj.pk)
        accepted = _service_accepts(step, fresh, actor, case.payload(district))
        if listed.status_code != 200:
            assert listed.status_code in (403, 404), (username, listed.status_code)
            assert not accepted, f"{username} cannot see the object but the service accepts {key}"
            continue
        allowed = {r["name"]: r["allowed"] for r in listed.json()}
        assert allowed[step.name] == accepted, (username, key, listed.json())
        page = client.get(wf.detail_url(obj)).content.decode()  # type: ignore[misc]
        shown = (
            f'data-testid="{step.name}-form"' in page or f'data-testid="{step.name}-link"' in page
        )
        assert shown == accepted, (username, key)


def _service_accepts(step: steps.Step, obj: Any, actor: Any, data: dict[str, Any]) -> bool:
    """Take the step through its service and roll back: accepted or refused."""

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            step.service(actor=actor, obj=obj, **data)  # type: ignore[misc]
            raise Rollback
    except Rollback:
        return True
    except DomainError:
        return False


@pytest.mark.parametrize("key", SYSTEM)
def test_platform_steps_are_not_reachable_from_outside(district, key):
    """R-ORG-04: a step only the platform takes has no API action and no page
    action (404), and no account may take it."""
    step = _step(key)
    case = next(c for k, c in CASES.items() if _step(k).workflow == step.workflow)
    obj = case.setup(district)
    wf = steps.workflow(step.workflow)
    for username in ("office_admin", case.user):
        client = district.client(username)
        assert _post(client, _api(step, obj), {}).status_code == 404
        page_url = reverse(wf.page_url_name, args=[obj.pk, step.name])
        assert client.post(page_url, {}).status_code == 404
        assert not steps.may(step, obj, district.actor(username))
