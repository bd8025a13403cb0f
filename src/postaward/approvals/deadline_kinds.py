"""Every deadline kind the approval processes open (the alerts capability maps
them to indicators: ``deadline.missed`` / ``deadline.reminder`` with these kinds)."""

from __future__ import annotations

from postaward.core.deadlines import register_kind

CHANGE_BEFORE_WORK = register_kind(
    "approvals.change_before_work",
    "工程变更须在实施前批准",
    "R-CHG-01",
    "实施细则第二十七条(一)：原则上需提前完成变更手续，遏止事后变更",
    "owner",
)
HIDDEN_STANDBY = register_kind(
    "approvals.hidden_standby",
    "隐蔽工程监理旁站验收",
    "R-HID-02",
    "实施细则第二十八条(二)：隐蔽工程施工当天监理单位需旁站和验收",
    "owner",
)
HIDDEN_PHOTOS = register_kind(
    "approvals.hidden_photos",
    "隐蔽工程影像资料上传",
    "R-HID-02",
    "实施细则第二十八条(二)：上传施工前后对比照片和验收带标尺照片",
    "owner",
)
HIDDEN_OWNER_STANDBY = register_kind(
    "approvals.hidden_owner_standby",
    "重要部位建设单位派员旁站",
    "R-HID-03",
    "实施细则第二十八条(三)：重要部位建设单位需派员参与旁站和验收",
    "superior_unit",
)
HIDDEN_REVIEW = register_kind(
    "approvals.hidden_review",
    "隐蔽工程影像资料审核",
    "R-HID-03",
    "实施细则第二十八条(三)：建设单位负责审核隐蔽工程影像资料质量",
    "superior_unit",
)
SUPERVISION_LOG = register_kind(
    "approvals.supervision_log",
    "监理日志",
    "R-SUP-01",
    "实施细则第二十三条、第四十六条：监理单位上传监理日志",
    "owner",
)
RECTIFICATION = register_kind(
    "approvals.rectification",
    "监理通知单整改回复",
    "R-SUP-02",
    "实施细则第二十二条、第四十五条：施工单位及时整改并线上反馈",
    "owner",
)
ACCEPTANCE_BELOW = register_kind(
    "approvals.acceptance_below",
    "竣工验收组织期限（2000万元以下）",
    "R-ACC-01",
    "实施细则第三十一条(一)：建设单位应在20天内组织验收",
    "superior_unit",
)
ACCEPTANCE_ABOVE = register_kind(
    "approvals.acceptance_above",
    "竣工验收组织期限（2000万元及以上）",
    "R-ACC-02",
    "实施细则第三十一条(二)：建设单位应在60天内组织验收",
    "superior_unit",
)
ACCEPTANCE_SUPER_LARGE = register_kind(
    "approvals.acceptance_super_large",
    "竣工验收组织期限（超大型工程，可申请延长）",
    "R-ACC-04",
    "实施细则第三十一条(二)(三)：60天内组织验收，或在60天内申请延长",
    "superior_unit",
)
VILLAGE_SELF = register_kind(
    "approvals.acceptance_village_self",
    "村级自验组织期限",
    "R-ACC-05",
    "实施细则第三十一条(四)：村级自验15天内组织",
    "superior_unit",
)
TOWNSHIP = register_kind(
    "approvals.acceptance_township",
    "乡镇（街道）复验组织期限",
    "R-ACC-05",
    "实施细则第三十一条(四)：乡镇街道15天内组织复验，7天提醒",
    "industry_authority",
)
SETTLEMENT_BELOW = register_kind(
    "approvals.settlement_below",
    "结算送审期限（2000万元以下）",
    "R-SET-01",
    "实施细则第三十二条(一)：完工后60天内提交结算审计",
    "superior_unit",
)
SETTLEMENT_ABOVE = register_kind(
    "approvals.settlement_above",
    "结算送审期限（2000万元及以上）",
    "R-SET-01",
    "实施细则第三十二条(二)：完工后180天内提交结算审计",
    "superior_unit",
)

ALL = [
    CHANGE_BEFORE_WORK,
    HIDDEN_STANDBY,
    HIDDEN_PHOTOS,
    HIDDEN_OWNER_STANDBY,
    HIDDEN_REVIEW,
    SUPERVISION_LOG,
    RECTIFICATION,
    ACCEPTANCE_BELOW,
    ACCEPTANCE_ABOVE,
    ACCEPTANCE_SUPER_LARGE,
    VILLAGE_SELF,
    TOWNSHIP,
    SETTLEMENT_BELOW,
    SETTLEMENT_ABOVE,
]
