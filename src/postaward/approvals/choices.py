"""States, kinds and the fixed periods of the approval processes.

Periods are those of SY (实施细则) articles 28, 31 and 32; the units are decided in
ADR 0302: every "N天" of SY is a calendar day (自然日), as the catalogue reads
"day" alone; the only working-day default is the owner's image review of hidden
works, for which SY gives no number (configurable, ``ApprovalPolicy``).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

CALENDAR = "calendar_days"
WORKING = "working_days"


class ChangeCategory(models.TextChoices):
    """R-CHG-02 (QZ 附件2 5(四)): the kinds of change that need approval."""

    DESIGN = "design", "设计变更"
    SITE_INSTRUCTION = "site_instruction", "现场签证"
    MATERIAL = "material", "材料变更"
    COST = "cost", "费用变更"
    OTHER = "other", "其他变更"


class ChangeState(models.TextChoices):
    SUBMITTED = "submitted", "待监理审核"
    SUPERVISOR_APPROVED = "supervisor_approved", "待建设单位审批"
    OWNER_APPROVED = "owner_approved", "待发改部门审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"


CHANGE_OPEN_STATES = (
    ChangeState.SUBMITTED,
    ChangeState.SUPERVISOR_APPROVED,
    ChangeState.OWNER_APPROVED,
)


class PersonnelReason(models.TextChoices):
    ILLNESS = "illness", "因病（丧失劳动能力）"
    RESIGNATION = "resignation", "离职"
    TRANSFER = "transfer", "工作调动"
    OTHER = "other", "其他原因"


class PersonnelRoute(models.TextChoices):
    """SY 27(二): who agrees after the owner."""

    REVIEW = "review", "建设单位同意后报行业主管部门审核"
    FILING = "filing", "建设单位和主管单位同意后报行业主管部门备案"


class PersonnelState(models.TextChoices):
    SUPERVISOR_PENDING = "supervisor_pending", "待监理审核"  # the contractor's people (ADR 0073)
    SUBMITTED = "submitted", "待建设单位同意"
    OWNER_AGREED = "owner_agreed", "待主管部门审核"
    APPROVED = "approved", "已批准，待换岗"
    COMPLETED = "completed", "已换岗"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"


PERSONNEL_OPEN_STATES = (
    PersonnelState.SUPERVISOR_PENDING,
    PersonnelState.SUBMITTED,
    PersonnelState.OWNER_AGREED,
    PersonnelState.APPROVED,
)


class HiddenWorkState(models.TextChoices):
    APPLIED = "applied", "待旁站验收"
    ACCEPTED = "accepted", "监理已验收，待建设单位审核"
    RETURNED = "returned", "影像退回补传"
    REVIEWED = "reviewed", "审核通过"
    WITHDRAWN = "withdrawn", "已撤回"


# Hidden works that the supervisor has accepted may not be changed (SY 27(一)).
HIDDEN_ACCEPTED_STATES = (
    HiddenWorkState.ACCEPTED,
    HiddenWorkState.RETURNED,
    HiddenWorkState.REVIEWED,
)


class PhotoKind(models.TextChoices):
    """R-HID-02 (SY 28(二)): before/after comparison and the measuring scale."""

    BEFORE = "before", "施工前照片"
    AFTER = "after", "施工后照片"
    SCALE = "scale", "验收带标尺照片"


class LogState(models.TextChoices):
    DUE = "due", "待填写"
    RECORDED = "recorded", "已填写"


class NoticeState(models.TextChoices):
    ISSUED = "issued", "待整改回复"
    REPLIED = "replied", "已回复，待监理复查"
    CLOSED = "closed", "整改完成"
    REFUSED = "refused", "拒不整改，已报行业主管部门"
    HANDLED = "handled", "行业主管部门已处理"


class InspectionResult(models.TextChoices):
    OK = "ok", "符合要求"
    RECTIFY = "rectify", "责令整改"


class InspectionAspect(models.TextChoices):
    QUALITY = "quality", "工程质量"
    SAFETY = "safety", "安全生产"
    PROGRESS = "progress", "工程进度"
    CIVILISED = "civilised", "文明施工"
    PERSONNEL = "personnel", "人员到岗"


class EvaluationGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class AcceptanceKind(models.TextChoices):
    GOVERNMENT = "government", "政府投资项目竣工验收"
    VILLAGE_SELF = "village_self", "村级自验"
    TOWNSHIP = "township", "乡镇（街道）复验"


class AcceptanceState(models.TextChoices):
    SUBMITTED = "submitted", "待监理审核"
    RECEIVED = "received", "待组织验收"
    RETURNED = "returned", "已退回（不满足验收条件）"
    REJECTED = "rejected", "监理审核未通过"
    PASSED = "passed", "验收合格"
    FAILED = "failed", "验收不合格，整改后重新发起"
    WITHDRAWN = "withdrawn", "已撤回"


ACCEPTANCE_OPEN_STATES = (AcceptanceState.SUBMITTED, AcceptanceState.RECEIVED)


class ExtensionState(models.TextChoices):
    """R-ACC-04 (SY 31(三)): superior unit, industry authority, leading group in turn."""

    PENDING_SUPERIOR = "pending_superior", "待主管单位审核"
    PENDING_AUTHORITY = "pending_authority", "待行业主管部门审核"
    PENDING_OFFICE = "pending_office", "待双查双保领导小组审核"
    APPROVED = "approved", "已同意延长"
    REJECTED = "rejected", "不同意延长"


class DocumentKind(models.TextChoices):
    CHANGE_BASIS = "change_basis", "变更依据（图纸、签证单等）"
    HOSPITAL_CERTIFICATE = "hospital_certificate", "区级医院证明"
    QUALIFICATION = "qualification", "替换人员资格资历证明"
    SOCIAL_INSURANCE = "social_insurance", "近3个月社保缴纳证明"
    APPROVAL_FORM = "approval_form", "人员变更审批表"
    ACCEPTANCE_CONCLUSION = "acceptance_conclusion", "验收结论及整改意见"
    RETURN_REASON = "return_reason", "延期验收理由"
    EXTENSION_REQUEST = "extension_request", "延长验收时间申请"
    RECTIFICATION_EVIDENCE = "rectification_evidence", "整改回复佐证"
    INSPECTION_RECORD = "inspection_record", "检查记录"
    OTHER = "other", "其他资料"


# --- fixed periods (SY) --------------------------------------------------------------------------

# R-ACC-01/02/05, R-SET-01: the split at 20,000,000 yuan (R-PRJ-10).
LARGE_THRESHOLD = Decimal("20000000")
ACCEPTANCE_DAYS_BELOW = 20  # SY 31(一)
ACCEPTANCE_DAYS_ABOVE = 60  # SY 31(二), and super-large works before any extension (SY 31(三))
ACCEPTANCE_RETURN_DAYS = 3  # SY 31(一)(二)(四): 3天, calendar days (ADR 0302)
VILLAGE_SELF_DAYS = 15  # SY 31(四)
TOWNSHIP_DAYS = 15  # SY 31(四)
TOWNSHIP_REMINDER_DAYS = 7  # SY 31(四)
SETTLEMENT_DAYS_BELOW = 60  # SY 32(一)
SETTLEMENT_DAYS_ABOVE = 180  # SY 32(二)
HIDDEN_APPLY_DAYS_BEFORE = 2  # SY 28(一): apply on day D-2 or D-1 (ADR 0302)
