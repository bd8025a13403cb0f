"""Choices of the accountability matters (QZ 附件2 arts. 8-12)."""

from __future__ import annotations

from django.db import models


class BodyKind(models.TextChoices):
    """The competent body a matter is transferred to by cadre-management
    powers (QZ 附件2 art. 12; ADR 0810)."""

    SUPERIOR = "superior", "上级主管单位"
    DISCIPLINE = "discipline", "纪检监察机关"


class MatterState(models.TextChoices):
    TRANSFERRED = "transferred", "待有权机关处理"
    DECIDED = "decided", "已作出问责决定"


class PersonState(models.TextChoices):
    PENDING = "pending", "待决定"
    DECIDED = "decided", "已决定"


class Measure(models.TextChoices):
    """The ways of holding to account (art. 8), combinable."""

    CIRCULATED = "circulated", "通报"
    ADMONISHED = "admonished", "诫勉"
    SUSPENDED = "suspended", "停职检查"
    REASSIGNED = "reassigned", "调整职务"
    RESIGNATION = "resignation", "责令辞职"
    DEMOTED = "demoted", "降职"
    DISMISSED = "dismissed", "免职"
    DISCIPLINARY = "disciplinary", "纪律处分"


ORGANISATIONAL = frozenset(
    {Measure.SUSPENDED, Measure.REASSIGNED, Measure.RESIGNATION, Measure.DEMOTED, Measure.DISMISSED}
)
# art. 12: 通报 or any heavier measure costs that year's award eligibility; every
# measure of art. 8 is 通报 or heavier
COSTS_AWARDS = frozenset(Measure.values)


class Severity(models.TextChoices):
    GENERAL = "general", "一般"
    LIGHTER = "lighter", "情节较轻"
    HEAVIER = "heavier", "情节较重"
    SERIOUS = "serious", "情节严重"


SEVERITY_COLOURS: dict[str, str] = {
    Severity.GENERAL: "grey",
    Severity.LIGHTER: "green",
    Severity.HEAVIER: "orange",
    Severity.SERIOUS: "red",
}


class Circumstance(models.TextChoices):
    """The circumstances of arts. 9-11, as checkboxes (code: article-item)."""

    L1 = "9-1", "主动纠正错误，有效防止和挽回影响的"
    L2 = "9-2", "危害后果较轻，积极配合调查处理，主动承担责任的"
    L3 = "9-3", "国家法律法规规定的其他从轻情形"
    H1 = "10-1", "不积极纠正错误或不接受处置，造成工作延误或不良影响的"
    H2 = "10-2", "一年内被问责两次及以上的"
    H3 = "10-3", "发生一般生产安全事故或工程质量责任事故的"
    H4 = "10-4", "被市级新闻媒体曝光造成社会影响恶劣的或被市级作为反面典型的"
    H5 = "10-5", "被市级通报的"
    S1 = "11-1", "拒绝纠正错误或不接受处置，造成严重后果的"
    S2 = "11-2", "引发群体性事件且未及时、有效处置的"
    S3 = "11-3", "发生较大以上生产安全事故或工程质量责任事故的"
    S4 = "11-4", "被省级及以上新闻媒体曝光造成社会恶劣影响的或被省级及以上作为反面典型的"
    S5 = "11-5", "被省级及以上通报的"
    S6 = "11-6", "干扰、阻碍调查处理的"
    S7 = "11-7", "打击报复举报人、投诉人及相关人员的"
    S8 = "11-8", "国家法律法规规定的其他从重情形"


ITEMS = "一二三四五六七八"
ARTICLE = {"9": "第九条", "10": "第十条", "11": "第十一条"}
SEVERITY_OF_ARTICLE = {"9": Severity.LIGHTER, "10": Severity.HEAVIER, "11": Severity.SERIOUS}
TWICE_IN_A_YEAR = Circumstance.H2.value
OBSTRUCTION = Circumstance.S6.value
RETALIATION = Circumstance.S7.value


def article_of(code: str) -> str:
    """第十条第（二）项 for ``10-2``."""
    art, item = code.split("-")
    return f"{ARTICLE[art]}第（{ITEMS[int(item) - 1]}）项"


def severity_of(codes: list[str] | tuple[str, ...] | set[str]) -> str:
    """Serious if any serious circumstance, else heavier if any heavier, else
    lighter if any lighter, else 一般 (arts. 9-11)."""
    arts = {c.split("-")[0] for c in codes}
    for art in ("11", "10", "9"):
        if art in arts:
            return str(SEVERITY_OF_ARTICLE[art])
    return str(Severity.GENERAL)
