"""Process steps, declared once (ADR 0060).

A step (dispose an alert, review it, send it back …) is one ``Step`` next to its
workflow: label, the states it leaves from and goes to, who may take it (role
and scope, one predicate with its Chinese name), extra guards with the Chinese
reason when they fail, the input schema (API) and form (page), the service it
calls, its legal basis, the deadline it opens or closes and the event it
publishes. An app registers its ``Workflow`` and steps in ``ready()``:

    steps.register(ALERT, DISPOSE, CLOSE, SEND_BACK, REOPEN, ...)

From that one declaration:

- ``available_steps(obj, actor)`` says, for every step, allowed or refused and
  why; pages render their buttons from it (``core/_steps.html``) and the API
  lists it (``GET …/{id}/steps``);
- ``check(step, obj, actor)`` is the only permission check of a step: who
  (403), the state (409 ``invalid_state``), then the guards (409 with their
  reason). ``may`` means *from the current state*: a step is allowed only when
  the object is in one of its source states and the actor and guards pass;
- services take a step through ``write(step, obj, actor)``: the audited-write
  skeleton (``core.writes.audited``) with ``check`` on the locked row and the
  state machine's transition fired;
- ``mount_api(router, workflow, "alert_id")`` adds ``GET …/{alert_id}/steps``
  and ``POST …/{alert_id}/steps/{name}`` (one body parser, idempotency key,
  the common error format); ``page_action`` is the one HTML action view;
- ``core/tests/test_steps_authz.py`` generates the authorization rows of every
  registered step (anonymous, wrong role, out of scope, wrong state, in scope).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import audit, legal_basis, writes
from .actor import Actor
from .errors import Conflict, DomainError, Forbidden, NotFound

Predicate = Callable[[Any, Actor], bool]


@dataclass(frozen=True)
class Guard:
    """A rule beyond role and state (a time window, an unfinished part …):
    ``test(obj, actor)`` passes, or the step is refused with ``reason``."""

    test: Predicate
    reason: str | Callable[[Any], str]
    code: str = "refused"
    # the refusal itself, when a 409 with one reason does not fit: unmet
    # requirements answer 422 with one ``errors`` item per missing thing (ADR 0065)
    refuse: Callable[[Any, Actor], DomainError] | None = None

    def why(self, obj: Any) -> str:
        return self.reason(obj) if callable(self.reason) else self.reason

    def refusal(self, obj: Any, actor: Actor, basis: str | None) -> DomainError:
        if self.refuse is not None:
            return self.refuse(obj, actor)
        return Conflict(self.why(obj), code=self.code, basis=basis)


@dataclass(frozen=True)
class Step:
    """One step of a workflow, declared once."""

    workflow: str  # the key of its Workflow, e.g. "alerts.alert"
    name: str  # the step's name in URLs and the API, e.g. "dispose"
    label: str  # 处置反馈
    who: Predicate  # role and scope: may this actor take it on this object?
    who_label: str  # 处置单位 (the 403 reason reads "{who_label}方可{label}")
    service: Callable[..., Any] | None = None  # service(actor=, obj=, **data) → obj
    transition: str = ""  # the state machine's transition (source/target come from it)
    sources: tuple[str, ...] = ()  # without a transition: the states it leaves from
    target: str = ""  # without a transition: the state it goes to ("" = unchanged)
    guards: tuple[Guard, ...] = ()
    schema: type | None = None  # API input (a StrictIn); None: no body
    form: type | None = None  # page input (a Django form); None: a button
    # page input built per object (choices depending on the object or the actor):
    # form_factory(obj, actor, data, files) → the form, bound when data is not None
    form_factory: Callable[[Any, Actor, Any, Any], Any] | None = None
    basis: str = ""  # legal basis: requirement IDs, cited by document and article
    opens: str = ""  # deadline kind the step opens
    closes: str = ""  # deadline kind the step closes
    event: str = ""  # name of the domain event the service publishes
    action: str = ""  # audit action (default "{workflow}.{name}")
    success: str = ""  # page message after the step (default "已{label}")
    system: bool = False  # taken by the platform only (a sweep, an event): no button, no API
    href: Callable[[Any], str] | None = None  # page: a link to its own page instead of a form
    style: str = "primary"  # button colour on the page (primary, outline-danger …)
    help: str = ""  # one line under the step's title on the page

    @property
    def key(self) -> str:
        return f"{self.workflow}.{self.name}"

    @property
    def has_form(self) -> bool:
        return self.form is not None or self.form_factory is not None

    def make_form(self, obj: Any, actor: Actor, data: Any = None, files: Any = None) -> Any:
        """The step's page form for ``obj`` (bound to ``data`` when given):
        ``form_factory`` when declared, else the ``form`` class; None: a button."""
        if self.form_factory is not None:
            return self.form_factory(obj, actor, data, files)
        if self.form is None:
            return None
        # several steps' forms share a page: their field ids carry the step's name
        # (unless the form has its own prefix), so no two inputs share an id
        kw = {} if getattr(self.form, "prefix", None) else {"auto_id": f"id_{self.name}-%s"}
        return self.form(data, files, **kw) if data is not None else self.form(**kw)

    @property
    def audit_action(self) -> str:
        return self.action or self.key

    @property
    def citation(self) -> str:
        return legal_basis.cite(self.basis) if self.basis else ""


@dataclass(frozen=True)
class Workflow:
    """The object a set of steps acts on, and how the edges reach it."""

    key: str  # "alerts.alert"
    model: type
    label: str  # 预警 (a wrong state reads "{label}当前状态为“…”")
    load: Callable[[Actor, int], Any]  # scoped read: NotFound out of scope (and Forbidden)
    queryset: Callable[[], Any]  # what ``write`` locks (select_related as the service needs)
    snapshot: Callable[[Any], dict[str, Any]] | None = None  # for the audit record
    state_field: str = "state"
    detail_url: Callable[[Any], str] | None = None  # the page after a step
    render_page: Callable[..., HttpResponse] | None = None  # (request, obj, bound=, status=)
    answer: Callable[[HttpRequest, Any], Any] | None = None  # the API's answer after a step
    page_url_name: str = ""  # the URL name of ``page_action`` (args: pk, name)


_workflows: dict[str, Workflow] = {}
_steps: dict[str, dict[str, Step]] = {}


def register(workflow: Workflow, *steps: Step) -> None:
    """Declare a workflow and its steps (idempotent: re-registering replaces)."""
    _workflows[workflow.key] = workflow
    _steps[workflow.key] = {}
    for s in steps:
        if s.workflow != workflow.key:
            raise ValueError(f"{s.key} does not belong to {workflow.key}")
        if not s.system and s.service is None:
            raise ValueError(f"{s.key}: a step people take needs a service")
        _steps[workflow.key][s.name] = s


def workflows() -> list[Workflow]:
    return list(_workflows.values())


def workflow(key: str) -> Workflow:
    return _workflows[key]


def steps_of(key: str) -> list[Step]:
    return list(_steps.get(key, {}).values())


def get(workflow_key: str, name: str) -> Step:
    try:
        return _steps[workflow_key][name]
    except KeyError:
        raise NotFound("没有这个办理环节") from None


def all_steps() -> list[Step]:
    return [s for key in _steps for s in _steps[key].values()]


# --- states --------------------------------------------------------------------------------------


def _fsm(step: Step) -> Any:
    model = _workflows[step.workflow].model
    return getattr(model, step.transition)._django_fsm


def source_states(step: Step) -> tuple[str, ...]:
    """The states the step leaves from (``*`` for any)."""
    if not step.transition:
        return step.sources
    return tuple(str(s) for s in _fsm(step).transitions)


def target_state(step: Step) -> str:
    if not step.transition:
        return step.target
    targets: set[str] = set()
    for t in _fsm(step).transitions.values():
        if hasattr(t.target, "allowed_states"):  # RETURN_VALUE / GET_STATE: decided when taken
            return ""
        targets.add(str(t.target))
    return targets.pop() if len(targets) == 1 else ""


def _decided_targets(step: Step) -> str:
    """The states a transition whose target is decided when taken may end in."""
    if not step.transition:
        return ""
    out: list[str] = []
    for t in _fsm(step).transitions.values():
        out += [str(x) for x in getattr(t.target, "allowed_states", ()) if str(x) not in out]
    return " / ".join(out)


def _state(obj: Any, wf: Workflow) -> str:
    return str(getattr(obj, wf.state_field))


def _state_label(obj: Any, wf: Workflow) -> str:
    display = getattr(obj, f"get_{wf.state_field}_display", None)
    return str(display()) if display else _state(obj, wf)


def in_source_state(step: Step, obj: Any) -> bool:
    sources = source_states(step)
    return "*" in sources or _state(obj, _workflows[step.workflow]) in sources


# --- may, check, list -------------------------------------------------------------------------------


def refusal(step: Step, obj: Any, actor: Actor) -> DomainError | None:
    """Why ``actor`` may not take ``step`` on ``obj`` now (None: allowed).

    Order: who (403) — the state (409 ``invalid_state``) — the guards (409 with
    their reason). Out of scope is not here: the object is loaded through the
    actor's scope first and answers 404."""
    wf = _workflows[step.workflow]
    if not step.who(obj, actor):
        return Forbidden(f"{step.who_label}方可{step.label}")
    if not in_source_state(step, obj):
        return Conflict(
            f"{wf.label}当前状态为“{_state_label(obj, wf)}”，不能{step.label}",
            code="invalid_state",
        )
    for g in step.guards:
        if not g.test(obj, actor):
            return g.refusal(obj, actor, step.citation or None)
    return None


def may(step: Step, obj: Any, actor: Actor) -> bool:
    """The actor may take the step on the object from its current state."""
    return refusal(step, obj, actor) is None


def check(step: Step, obj: Any, actor: Actor) -> None:
    """The one permission check of a step: raises the refusal."""
    if (err := refusal(step, obj, actor)) is not None:
        raise err


@dataclass(frozen=True)
class Available:
    """One step as the actor sees it now."""

    step: Step
    allowed: bool
    reason: str = ""
    code: str = ""
    status: int = 200

    @property
    def name(self) -> str:
        return self.step.name

    @property
    def shown(self) -> bool:
        """A page shows the step: allowed, or refused only by a guard (the
        button is greyed with the reason: the actor's turn, not yet possible)."""
        return self.allowed or self.code not in ("forbidden", "invalid_state")


def available_steps(obj: Any, actor: Actor, workflow_key: str | None = None) -> list[Available]:
    """Every step people take on ``obj`` (not the platform's), allowed or
    refused with the reason, in declaration order."""
    key = workflow_key or _workflow_of(obj).key
    out = []
    for s in steps_of(key):
        if s.system:
            continue
        err = refusal(s, obj, actor)
        out.append(
            Available(s, True)
            if err is None
            else Available(s, False, err.message, err.code, err.status)
        )
    return out


def allowed_names(obj: Any, actor: Actor) -> list[str]:
    return [a.name for a in available_steps(obj, actor) if a.allowed]


def _workflow_of(obj: Any) -> Workflow:
    for wf in _workflows.values():
        if isinstance(obj, wf.model):
            return wf
    raise LookupError(f"no workflow registered for {type(obj).__name__}")


def markdown_table(workflow_key: str) -> str:
    """The steps of a workflow as a Markdown table, for the app's README (a
    test keeps the README's copy equal to this)."""
    rows = [
        "| step | 名称 | from → to | who may take it | guards | deadline | basis |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in steps_of(workflow_key):
        states = f"{' / '.join(source_states(s))} → {target_state(s) or _decided_targets(s) or '(unchanged)'}"
        guards = "；".join(g.why(None) if not callable(g.reason) else "…" for g in s.guards)
        deadline = "；".join(
            x
            for x in (
                f"opens {s.opens}" if s.opens else "",
                f"closes {s.closes}" if s.closes else "",
            )
            if x
        )
        who = s.who_label + (" (automatic)" if s.system else "")
        rows.append(
            f"| `{s.name}` | {s.label} | {states} | {who} | {guards or '—'} | {deadline or '—'} | {s.basis or '—'} |"
        )
    return "\n".join(rows) + "\n"


# --- the write -------------------------------------------------------------------------------------


@contextmanager
def write(step: Step, obj: Any, actor: Actor, **kw: Any) -> Iterator[writes.Write]:
    """The service's side of a step: lock the row, ``check`` the step on it,
    snapshot it, fire the state machine's transition, let the service change
    the row, then save, audit (``step.audit_action``) and publish — one
    transaction (``core.writes.audited``)."""
    wf = _workflows[step.workflow]
    with writes.audited(
        wf.queryset(),
        pk=obj.pk,
        actor=actor,
        action=step.audit_action,
        check=lambda row: check(step, row, actor),
        snapshot=wf.snapshot or audit.snapshot,
        **kw,
    ) as w:
        if step.transition:
            getattr(w.obj, step.transition)()
        yield w


@dataclass
class Taken:
    result: Any
    replayed: bool = False


def take(
    step: Step,
    obj: Any,
    actor: Actor,
    data: dict[str, Any] | None = None,
    *,
    idempotency_key: str | None = None,
    answer: Callable[[Any], Any] | None = None,
) -> Taken:
    """Take ``step``: check it (the same check the service repeats on the
    locked row), then call its service with ``data``. With an
    ``idempotency_key`` the answer (``answer(result)``) is stored and a retry
    gets it back without running the service again (ADR 0031)."""
    from . import idempotency

    if step.system or step.service is None:
        raise Forbidden(f"{step.label}由平台自动办理")
    check(step, obj, actor)
    service = step.service
    data = data or {}

    def run() -> tuple[int, Any]:
        result = service(actor=actor, obj=obj, **data)
        return 200, answer(result) if answer else result

    if idempotency_key is None:
        return Taken(run()[1])
    _, body, replayed = idempotency.run(
        user_id=actor.user_id or 0,
        scope=f"steps.{step.key}.{obj.pk}",
        key=idempotency_key,
        payload=data,
        fn=run,
    )
    return Taken(body, replayed)


# --- the API: GET …/{id}/steps and POST …/{id}/steps/{name} ------------------------------------------


def step_out(a: Available) -> dict[str, Any]:
    s = a.step
    return {
        "name": s.name,
        "label": s.label,
        "allowed": a.allowed,
        "reason": a.reason,
        "code": a.code,
        "who": s.who_label,
        "from_states": list(source_states(s)),
        "to_state": target_state(s),
        "basis": s.citation,
        "opens": s.opens,
        "closes": s.closes,
    }


def mount_api(router: Any, workflow_key: str, id_param: str, *, prefix: str = "") -> None:
    """Add ``GET {prefix}/{id}/steps`` and ``POST {prefix}/{id}/steps/{name}``
    to ``router`` (one line in an app's ``api.py``, after its literal paths)."""
    from ninja import Schema

    from .api_base import ErrorOut, StrictIn, actor, responses
    from .bodies import body_schema, parse_body, write_once
    from .types import Id

    wf = _workflows[workflow_key]

    class StepOut(Schema):
        name: str
        label: str
        allowed: bool
        reason: str
        code: str
        who: str
        from_states: list[str]
        to_state: str
        basis: str
        opens: str
        closes: str

    StepOut.__name__ = f"StepOut_{workflow_key.replace('.', '_')}"

    def _params(*extra: inspect.Parameter) -> inspect.Signature:
        return inspect.Signature(
            [
                inspect.Parameter(
                    "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest
                ),
                inspect.Parameter(id_param, inspect.Parameter.KEYWORD_ONLY, annotation=Id),
                *extra,
            ]
        )

    def list_steps(request: HttpRequest, **kw: Any) -> Any:
        obj = wf.load(actor(request), kw[id_param])
        return [step_out(a) for a in available_steps(obj, actor(request), workflow_key)]

    list_steps.__signature__ = _params()  # type: ignore[attr-defined]
    list_steps.__name__ = f"list_steps_{workflow_key.replace('.', '_')}"
    router.get(
        f"{prefix}/{{{id_param}}}/steps",
        response=responses(list[StepOut]),
        summary=f"{wf.label}：当前账号可办理的环节（不可办理的给出原因）",
    )(list_steps)

    people = [s for s in steps_of(workflow_key) if not s.system]
    bodies = {s.name: s.schema for s in people if s.schema is not None}

    def take_step(request: HttpRequest, **kw: Any) -> Any:
        a = actor(request)
        obj = wf.load(a, kw[id_param])
        step = get(workflow_key, kw["name"])
        if step.system:
            raise NotFound("没有这个办理环节")
        # The step is checked inside the idempotent write (by ``take``), so that
        # a retry of a step already taken replays its answer instead of a 409.
        schema = step.schema or StrictIn
        body = parse_body(request, schema)
        data = {**body.data.model_dump(exclude=set(body.files)), **body.files}

        def run() -> Any:
            take(step, obj, a, data)
            fresh = wf.load(a, obj.pk)
            return audit.normalise(wf.answer(request, fresh) if wf.answer else {"id": fresh.pk})

        return write_once(request, f"steps.{step.key}.{obj.pk}", body.fingerprint, run)

    take_step.__signature__ = _params(  # type: ignore[attr-defined]
        inspect.Parameter("name", inspect.Parameter.KEYWORD_ONLY, annotation=str)
    )
    take_step.__name__ = f"take_step_{workflow_key.replace('.', '_')}"
    one_of = [
        body_schema(schema)["content"]["application/json"]["schema"] for schema in bodies.values()
    ]
    names = "、".join(f"{s.name}（{s.label}）" for s in people)
    router.post(
        f"{prefix}/{{{id_param}}}/steps/{{name}}",
        response={200: dict[str, Any], **{k: ErrorOut for k in (400, 401, 403, 404, 409, 422)}},
        summary=f"{wf.label}：办理一个环节",
        description=(
            f"环节：{names}。请求体按环节不同（JSON 或 multipart/form-data），"
            "可带 Idempotency-Key；无权 403、状态不符 409、规则不符 409/422（附原因）。"
        ),
        openapi_extra={
            "requestBody": {
                "required": False,
                "content": {"application/json": {"schema": {"oneOf": one_of}}},
            }
        }
        if one_of
        else None,
    )(take_step)


# --- pages -----------------------------------------------------------------------------------------


@dataclass
class PageStep:
    """A step as its page renders it: a form, a link, or a greyed button."""

    available: Available
    form: Any
    url: str
    href: str = ""

    @property
    def step(self) -> Step:
        return self.available.step


def page_steps(obj: Any, actor: Actor, *, bound: dict[str, Any] | None = None) -> list[PageStep]:
    """The steps a page shows for ``obj``: allowed ones with their form (the
    bound form after a refusal, so the data are kept), guard-refused ones
    greyed with the reason."""
    wf = _workflow_of(obj)
    bound = bound or {}
    out = []
    for a in available_steps(obj, actor, wf.key):
        if not a.shown:
            continue
        s = a.step
        form = bound.get(s.name) or s.make_form(obj, actor)
        url = reverse(wf.page_url_name, args=[obj.pk, s.name]) if wf.page_url_name else ""
        out.append(PageStep(a, form, url, s.href(obj) if s.href else ""))
    return out


def page_action(request: HttpRequest, pk: int, name: str, *, workflow: str) -> HttpResponse:
    """The one HTML action view: POST a step's form. Success: the message and
    back to the object's page. A refusal (a rule, a wrong state, a field): the
    page again with the reason beside the form and the data kept. Out of scope
    404, wrong role 403 (``page_view``)."""
    from .web import actor_of, form_error, page_view

    def view(request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            from django.http import HttpResponseNotAllowed

            return HttpResponseNotAllowed(["POST"])
        wf = _workflows[workflow]
        a = actor_of(request)
        obj = wf.load(a, pk)
        step = get(workflow, name)
        if step.system or step.href:
            raise NotFound("没有这个办理环节")
        err = refusal(step, obj, a)
        if isinstance(err, Forbidden):
            raise err
        form = step.make_form(obj, a, request.POST, request.FILES) if step.has_form else None
        status = 200
        if err is not None:
            # A wrong state hides the step's form: the reason goes on top of the page.
            if form is not None and err.code != "invalid_state":
                form.is_valid()
                form_error(form, err)
            else:
                messages.error(request, err.message)
            status = err.status
        elif form is not None and not form.is_valid():
            status = 422
        else:
            data = dict(form.cleaned_data) if form is not None else {}
            try:
                take(step, obj, a, data)
            except (NotFound, Forbidden):
                raise
            except DomainError as exc:
                if form is None:
                    messages.error(request, exc.message)
                else:
                    form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, step.success or f"已{step.label}")
                assert wf.detail_url is not None
                return redirect(wf.detail_url(obj))
        assert wf.render_page is not None
        fresh = wf.load(a, pk)
        return wf.render_page(
            request, fresh, bound={step.name: form} if form else {}, status=status
        )

    return page_view(view)(request)


def page_urls(prefix: str, workflow_key: str, name: str) -> Any:
    """``path(f"{prefix}<id:pk>/steps/<slug:name>/", page_action, name=name)``."""
    from django.urls import path

    return path(
        f"{prefix}<id:pk>/steps/<slug:name>/",
        page_action,
        {"workflow": workflow_key},
        name=name,
    )


__all__ = [
    "Available",
    "Guard",
    "PageStep",
    "Step",
    "Workflow",
    "available_steps",
    "check",
    "may",
    "mount_api",
    "page_action",
    "page_steps",
    "page_urls",
    "refusal",
    "register",
    "take",
    "write",
]
