"""API of the project registry (read side; writes arrive with the registry issue)."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from postaward.core.api_base import actor, responses
from postaward.core.scoping import get_visible_or_404

from . import selectors
from .choices import ProjectClass, ProjectStatus
from .models import Project

router = Router(tags=["项目"])


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    project_class: str
    is_small_works: bool
    contract_amount: Decimal
    industry: str
    region_code: str
    owner_id: int
    owner_name: str
    superior_unit_id: int | None
    line_id: int | None
    industry_authority_id: int | None
    status: str
    planned_start: dt.date | None
    planned_completion: dt.date | None

    @staticmethod
    def resolve_owner_name(obj: Project) -> str:
        return obj.owner.name


class ProjectQuery(Schema):
    q: str = ""
    project_class: ProjectClass | None = None
    industry: str = ""
    status: ProjectStatus | None = None
    owner_id: int | None = None
    contractor_id: int | None = None


@router.get("", response=responses(list[ProjectOut]), summary="项目列表（按数据权限）")
@paginate(LimitOffsetPagination)
def list_projects(request: HttpRequest, f: Query[ProjectQuery]):  # type: ignore[no-untyped-def]
    return selectors.projects(actor(request), filters=f.dict(exclude_none=True))


@router.get("/{project_id}", response=responses(ProjectOut), summary="项目详情")
def get_project(request: HttpRequest, project_id: int) -> Project:
    return get_visible_or_404(
        Project.objects.select_related("owner"), actor(request), pk=project_id
    )
