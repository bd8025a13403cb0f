"""The catalogue of accountable acts (问责情形清单, R-ACT-01): installing the
defaults of QZ 附件2 arts. 5-6 for a supervision office, and the office's
edits. An edit of an act's wording is a new version of the same ``code``; the
old row stays (``is_current=False``) and is shown in the version history, so a
clue keeps the wording it was raised under."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from postaward.core import audit, clock, writes
from postaward.core.actor import SYSTEM, Actor
from postaward.core.errors import Forbidden, NotFound, ValidationFailed
from postaward.orgs.choices import OWNER_KINDS, SUPERIOR_KINDS, OrgKind
from postaward.orgs.models import Organisation

from .choices import Party
from .default_acts import DOCUMENT, defaults
from .models import AccountableAct, snapshot_act
from .models.clues import OFFICE_ROLES

# Units whose staff are held to account as a supervising department (art. 6);
# owners (and villages) by art. 5.
DEPARTMENT_KINDS = frozenset(
    {
        OrgKind.SUPERVISION_OFFICE,
        OrgKind.INDUSTRY_AUTHORITY,
        OrgKind.LINE,
        OrgKind.AUDIT_BUREAU,
        OrgKind.FINANCE_BUREAU,
        OrgKind.DRC,
        *SUPERIOR_KINDS,
    }
)


def party_of_kind(kind: str) -> str:
    """The party a unit answers as: owners by art. 5, departments by art. 6;
    "" for an enterprise (not a subject of these measures, art. 2)."""
    if kind in OWNER_KINDS:
        return str(Party.OWNER)
    if kind in DEPARTMENT_KINDS:
        return str(Party.DEPARTMENT)
    return ""


def office_of(org: Organisation) -> Organisation | None:
    """The supervision office at the root of the unit's district."""
    return Organisation.objects.filter(
        path=org.district_path, kind=OrgKind.SUPERVISION_OFFICE
    ).first()


def is_office_staff(actor: Actor, office: Any = None) -> bool:
    """office_staff / office_head / office_admin of the (given) office."""
    if actor.user_id is None or actor.org_kind != OrgKind.SUPERVISION_OFFICE:
        return False
    if office is not None and actor.organisation_id != getattr(office, "pk", office):
        return False
    return bool(actor.roles & OFFICE_ROLES)


def install_defaults(office: Organisation) -> int:
    """Install the 23 default acts for ``office`` (once; a second call adds
    nothing). Returns how many were added."""
    have = set(AccountableAct.objects.filter(office=office).values_list("code", flat=True))
    now = clock.now()
    added = 0
    for item in defaults():
        if item["code"] in have:
            continue
        try:
            with transaction.atomic():
                act = AccountableAct.objects.create(
                    office=office, created_by_name="平台预置", created_at=now, **item
                )
                writes.created(
                    act, actor=SYSTEM, action="accountability.act_installed", snapshot=snapshot_act
                )
            added += 1
        except IntegrityError:  # installed concurrently
            continue
    return added


def ensure_catalogue(office: Organisation) -> None:
    """Install the defaults the first time an office needs its catalogue."""
    if not AccountableAct.objects.filter(office=office).exists():
        install_defaults(office)


def current_acts(office: Any, party: str | None = None) -> QuerySet[AccountableAct]:
    qs = AccountableAct.objects.filter(office=office, is_current=True, active=True)
    if party:
        qs = qs.filter(party=party)
    return qs


def act_by_code(office: Any, code: str) -> AccountableAct | None:
    return AccountableAct.objects.filter(office=office, code=code, is_current=True).first()


def acts_of(actor: Actor) -> QuerySet[AccountableAct]:
    """The catalogue the actor reads: the office and discipline inspection of
    the district (every version)."""
    from .models import accountability_scope

    return AccountableAct.objects.filter(accountability_scope(actor)).select_related("office")


def history(act: AccountableAct) -> QuerySet[AccountableAct]:
    return AccountableAct.objects.filter(office_id=act.office_id, code=act.code).order_by(
        "-version"
    )


def _clean(title: Any, text: Any, note: Any) -> dict[str, str]:
    return {
        "title": writes.text(title, field="title", label="问责情形", min_len=4, max_len=200),
        "text": writes.text(text, field="text", label="条文", min_len=4, max_len=2000),
        "note": writes.text(note, field="note", label="修订说明", min_len=2, max_len=500),
    }


def revise_act(
    *, actor: Actor, act: AccountableAct, title: Any, text: Any, note: Any, active: bool = True
) -> AccountableAct:
    """A new version of the act's wording (the office; R-ACT-01): the current
    version is kept as history."""
    if not is_office_staff(actor, act.office_id):
        raise Forbidden("仅监管办可以修订问责情形")
    clean = _clean(title, text, note)
    with writes.audited(
        AccountableAct.objects.all(),
        pk=act.pk,
        actor=actor,
        action="accountability.act_revised",
        snapshot=snapshot_act,
    ) as w:
        old = w.obj
        if not old.is_current:
            raise ValidationFailed("只能修订现行版本", field="title")
        if (old.title, old.text, old.active) == (clean["title"], clean["text"], active):
            raise ValidationFailed("内容未作修改", field="text")
        old.is_current = False
        old.save(update_fields=["is_current"])
        new = AccountableAct.objects.create(
            office_id=old.office_id,
            code=old.code,
            party=old.party,
            document=old.document,
            article=old.article,
            version=old.version + 1,
            active=active,
            created_by_name=actor.display_name,
            created_at=clock.now(),
            **clean,
        )
        w.save = False
        w.after = snapshot_act(new)
    return new


def add_act(
    *, actor: Actor, party: Any, title: Any, text: Any, article: Any, note: Any = "新增"
) -> AccountableAct:
    """A new act in the office's catalogue (R-ACT-01)."""
    if not is_office_staff(actor):
        raise Forbidden("仅监管办可以新增问责情形")
    if party not in Party.values:
        raise ValidationFailed("请选择适用对象", field="party")
    clean = _clean(title, text, note or "新增")
    art = writes.text(article, field="article", label="条款", min_len=2, max_len=100)
    office = Organisation.objects.get(pk=actor.organisation_id)
    ensure_catalogue(office)
    with transaction.atomic():
        n = AccountableAct.objects.filter(office=office, code__startswith="x-").count() + 1
        act = AccountableAct.objects.create(
            office=office,
            code=f"x-{n}",
            party=party,
            document=DOCUMENT,
            article=art,
            created_by_name=actor.display_name,
            created_at=clock.now(),
            **clean,
        )
        writes.created(act, actor=actor, action="accountability.act_added", snapshot=snapshot_act)
    return act


def load_act(actor: Actor, pk: int) -> AccountableAct:
    act = acts_of(actor).filter(pk=pk).first()
    if act is None:
        raise NotFound()
    return act


def audit_read(actor: Actor, what: str, obj: Any = None, **after: Any) -> None:
    """Every read of clues is confidential and audited."""
    audit.record(
        actor=actor,
        action=what,
        obj=obj,
        object_type=None if obj is not None else "accountability.clue",
        object_repr=None if obj is not None else "问责线索列表",
        after=after or None,
    )
