"""The project registry: projects, participants and key personnel."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from postaward.core.actor import Actor
from postaward.core.geo import Site
from postaward.core.models import TimeStampedModel
from postaward.core.scoping import NOTHING, ScopedManager
from postaward.orgs.choices import (
    DISTRICT_WIDE_KINDS,
    ENTERPRISE_KINDS,
    OWNER_KINDS,
    Industry,
    Role,
)

from .choices import (
    ParticipantRole,
    Position,
    ProcurementMethod,
    ProjectClass,
    ProjectSource,
    ProjectStatus,
)


def project_scope_q(actor: Actor, prefix: str = "") -> Q:
    """Which projects an actor may see (R-ORG-04), as a Q over ``prefix``.

    - district-wide bodies (supervision office, audit, finance, DRC, discipline,
      public security): every project of the district;
    - industry authority, superior unit, line, township: projects whose owner,
      superior unit, line or industry authority lies in their subtree;
    - owner / village: administrators and leaders see all the unit's projects,
      a project leader the projects assigned to them;
    - enterprises: administrators and leaders see the projects the enterprise
      takes part in, key personnel the projects they are assigned to.
    """
    p = prefix
    kind = actor.org_kind
    path = actor.org_path
    if not path:
        return NOTHING
    if kind in DISTRICT_WIDE_KINDS:
        return Q(**{f"{p}owner__path__startswith": actor.district_path})
    leader = bool(actor.roles & {Role.ADMIN, Role.UNIT_LEADER})
    assigned = (
        Q(
            **{
                f"{p}pk__in": KeyPersonAssignment.objects.filter(
                    person_id=actor.person_id, ended_on__isnull=True
                ).values("project_id")
            }
        )
        if actor.person_id
        else NOTHING
    )
    if kind in OWNER_KINDS:
        if leader:
            return Q(**{f"{p}owner__path__startswith": path})
        own = Q(**{f"{p}owner_leader_id": actor.person_id}) if actor.person_id else NOTHING
        return (own | assigned) & Q(**{f"{p}owner__path__startswith": path})
    if kind in ENTERPRISE_KINDS:
        if leader:
            return Q(
                **{
                    f"{p}pk__in": Participant.objects.filter(
                        organisation__path__startswith=path
                    ).values("project_id")
                }
            )
        return assigned
    return (
        Q(**{f"{p}owner__path__startswith": path})
        | Q(**{f"{p}superior_unit__path__startswith": path})
        | Q(**{f"{p}line__path__startswith": path})
        | Q(**{f"{p}industry_authority__path__startswith": path})
    )


class Project(TimeStampedModel):
    code = models.CharField("项目编号", max_length=64, unique=True)
    ocid = models.CharField("OCDS 编号", max_length=100, unique=True, null=True, blank=True)
    name = models.CharField("项目名称", max_length=200)
    project_class = models.CharField(
        "项目类别", max_length=20, choices=ProjectClass.choices, db_index=True
    )
    is_small_works = models.BooleanField("限额以下小额工程", default=False)
    procurement_method = models.CharField(
        "发包方式",
        max_length=20,
        choices=ProcurementMethod.choices,
        default=ProcurementMethod.TENDER,
    )
    source = models.CharField(
        "来源", max_length=20, choices=ProjectSource.choices, default=ProjectSource.BIDDING_FEED
    )
    contract_amount = models.DecimalField(
        "合同金额（元）", max_digits=16, decimal_places=2, default=Decimal("0")
    )
    industry = models.CharField("行业", max_length=20, choices=Industry.choices, db_index=True)
    region_code = models.CharField("行政区划代码", max_length=12, blank=True, db_index=True)
    region_name = models.CharField("所在区域", max_length=60, blank=True)
    owner = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="建设单位",
        on_delete=models.PROTECT,
        related_name="owned_projects",
    )
    superior_unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="主管单位",
        on_delete=models.PROTECT,
        related_name="superior_projects",
        null=True,
        blank=True,
    )
    line = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="条线",
        on_delete=models.PROTECT,
        related_name="line_projects",
        null=True,
        blank=True,
    )
    industry_authority = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="行业主管部门",
        on_delete=models.PROTECT,
        related_name="authority_projects",
        null=True,
        blank=True,
    )
    owner_leader = models.ForeignKey(
        "orgs.Person",
        verbose_name="建设单位项目负责人",
        on_delete=models.PROTECT,
        related_name="led_projects",
        null=True,
        blank=True,
    )
    award_date = models.DateField("中标日期", null=True, blank=True)
    planned_start = models.DateField("计划开工", null=True, blank=True)
    planned_completion = models.DateField("计划完工", null=True, blank=True)
    actual_start = models.DateField("实际开工", null=True, blank=True)
    actual_completion = models.DateField("实际完工", null=True, blank=True)
    status = models.CharField(
        "项目状态",
        max_length=30,
        choices=ProjectStatus.choices,
        default=ProjectStatus.REGISTERED,
        db_index=True,
    )
    is_platform_covered = models.BooleanField(
        "纳入平台监管",
        default=True,
        help_text="实施过程未纳入平台监管的项目须先补全资料（R-PRJ-05）",
    )
    # The site fence (WGS-84): a circle (centre + radius) or a polygon ring.
    site_kind = models.CharField(
        "场地类型", max_length=10, choices=[("circle", "圆形"), ("polygon", "多边形")], blank=True
    )
    site_lon = models.FloatField("中心经度", null=True, blank=True)
    site_lat = models.FloatField("中心纬度", null=True, blank=True)
    site_radius_m = models.FloatField("半径（米）", null=True, blank=True)
    site_polygon = models.JSONField("多边形顶点", null=True, blank=True)
    site_address = models.CharField("项目地址", max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "industry"])]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return project_scope_q(actor)

    @property
    def site(self) -> Site | None:
        if self.site_kind == "circle" and self.site_lon is not None and self.site_radius_m:
            return Site.circle(self.site_lon, self.site_lat, self.site_radius_m)  # type: ignore[arg-type]
        if self.site_kind == "polygon" and self.site_polygon:
            return Site.polygon(self.site_polygon)
        return None


class Participant(TimeStampedModel):
    """A unit taking part in a project, with its contract (R-PRJ-03)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="participants"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="单位",
        on_delete=models.PROTECT,
        related_name="participations",
    )
    role = models.CharField("参建角色", max_length=20, choices=ParticipantRole.choices)
    contract_number = models.CharField("合同编号", max_length=60, blank=True)
    contract_amount = models.DecimalField(
        "合同金额（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    contract_signed_on = models.DateField("签订日期", null=True, blank=True)
    contract_file = models.FileField("合同文件", upload_to="contracts/%Y/%m/", blank=True)
    allows_subcontract = models.BooleanField("合同允许分包", default=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = "参建单位"
        verbose_name_plural = "参建单位"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "role"], name="participant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}：{self.organisation}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return project_scope_q(actor, "project__")


class KeyPersonAssignment(TimeStampedModel):
    """A person in a key position on a project (R-ORG-05, R-ATT-01)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="assignments"
    )
    participant = models.ForeignKey(
        Participant, verbose_name="参建单位", on_delete=models.PROTECT, related_name="assignments"
    )
    person = models.ForeignKey(
        "orgs.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="assignments"
    )
    position = models.CharField("岗位", max_length=40, choices=Position.choices)
    must_check_in = models.BooleanField("须考勤", default=True)
    started_on = models.DateField("到岗日期")
    ended_on = models.DateField("离岗日期", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "关键岗位人员"
        verbose_name_plural = "关键岗位人员"
        indexes = [models.Index(fields=["person", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.project} {self.get_position_display()} {self.person}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return project_scope_q(actor, "project__")
