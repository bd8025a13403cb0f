"""The one registry of how the operation log (操作日志) reads: action codes →
Chinese labels, object types → their names and pages, field names → labels.

The audit chain stores codes (``alerts.dispose_alert``) so that it stays
stable; people read ``处置预警``. Fixed codes are listed here; apps whose codes
are built from their state machines (``approvals.<model>.<transition>``,
``projects.<transition>``) register a resolver in ``ready`` (``resolver``).
Object pages are registered the same way (``link``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from . import humane

LABELS: dict[str, str] = {
    # core
    "core.confirm_calendar_year": "确认年度节假日安排",
    "core.correct_document": "更正文书（新版本）",
    "core.export_requested": "申请后台导出",
    "core.export_expired": "清理过期的导出文件",
    "core.issue_document": "签发文书",
    "core.render_document": "生成文书文件",
    "core.retry_document": "重新生成文书",
    "core.supersede_document": "文书被更正版本替代",
    "core.upload_document_template": "上传文书模板新版本",
    "core.set_calendar_day": "调整工作日历",
    "core.set_clock_offset": "调整模拟时钟",
    # accountability: the catalogue and the clues
    "accountability.act_added": "新增问责情形",
    "accountability.act_installed": "预置问责情形",
    "accountability.act_revised": "修订问责情形（新版本）",
    "accountability.clue_confirmed": "确认问责线索",
    "accountability.clue_dismissed": "不予问责",
    "accountability.clue_evidence_added": "上传问责线索证据材料",
    "accountability.clue_read": "查阅问责线索",
    "accountability.clue_registered": "登记问责线索",
    "accountability.clues_listed": "查阅问责线索列表",
    # organisations and accounts
    "orgs.add_qualification": "添加人员资格",
    "orgs.change_password": "修改密码",
    "orgs.create_account": "新建账号",
    "orgs.create_api_token": "签发接口令牌",
    "orgs.create_organisation": "新建单位",
    "orgs.create_person": "新建人员",
    "orgs.move_account": "调整账号所属单位",
    "orgs.remove_qualification": "删除人员资格",
    "orgs.reset_password": "重置密码",
    "orgs.revoke_api_token": "吊销接口令牌",
    "orgs.set_account_active": "启用/停用账号",
    "orgs.set_roles": "设置角色",
    "orgs.unlock_account": "解锁账号",
    "orgs.update_organisation": "修改单位信息",
    "orgs.update_person": "修改人员信息",
    # projects
    "projects.add_participant": "添加参建单位",
    "projects.apply_data_completion": "提交资料补全申请",
    "projects.approve_change": "批准项目变更",
    "projects.assign_authority": "分配项目到主管单位",
    "projects.assign_line": "分配项目到条线",
    "projects.assign_owner": "分配项目到建设单位",
    "projects.assign_leader": "指定建设单位项目负责人",
    "projects.assign_key_person": "配备关键岗位人员",
    "projects.backfill_dates": "补录开工、完工日期",
    "projects.confirm_backfill": "确认资料补全",
    "projects.confirm_suspension": "确认停工",
    "projects.decide_data_completion": "审批资料补全申请",
    "projects.declare_suspension": "申报停工",
    "projects.end_assignment": "结束岗位任职",
    "projects.end_suspension": "复工",
    "projects.export_archive": "导出项目档案",
    "projects.import_awards": "导入中标项目",
    "projects.import_update": "导入更新项目",
    "projects.mark_uncovered": "登记未纳入平台监管",
    "projects.record_abnormal_event": "登记标后异常事件",
    "projects.record_interview": "登记标后约谈",
    "projects.record_personnel_ban": "登记人员任职限制",
    "projects.register_project": "录入项目",
    "projects.register_subcontract": "登记分包",
    "projects.reject_suspension": "不予确认停工",
    "projects.remove_checkin_stage": "删除考勤阶段",
    "projects.remove_participant": "删除参建单位",
    "projects.review_abnormal_event": "审查标后异常事件",
    "projects.set_checkin_duty": "设置考勤岗位",
    "projects.set_checkin_stage": "设置考勤阶段",
    "projects.set_site": "设置项目场地范围",
    "projects.start_works": "开工",
    "projects.update_project": "修改项目信息",
    "projects.upload_document": "上传项目资料",
    "projects.withdraw_suspension": "撤回停工申报",
    # attendance
    "attendance.anchor": "考勤数据存证",
    "attendance.auto_end_patrol": "自动结束巡查",
    "attendance.cancel_leave": "撤销请假",
    "attendance.close_interview": "办结约谈",
    "attendance.decide_leave": "审批请假",
    "attendance.declare_non_construction": "登记非施工期",
    "attendance.end_patrol": "结束巡查",
    "attendance.request_leave": "申请请假",
    "attendance.review_checkin": "核查可疑打卡",
    "attendance.start_patrol": "开始巡查",
    "attendance.withdraw_non_construction": "撤回非施工期",
    # approvals (records created; transitions come from the resolver)
    "approvals.raise_change": "发起工程变更",
    "approvals.evaluate_contractor": "综合评价施工单位",
    "approvals.apply_extension": "申请延长验收时间",
    "approvals.record_inspection": "登记检查",
    "approvals.issue_notice": "签发监理通知单",
    "approvals.request_acceptance": "发起竣工验收",
    "approvals.request_township": "发起乡镇（街道）复验",
    "approvals.record_usage_before_acceptance": "登记未验先用",
    "approvals.hiddenwork.mark_important": "标记重要隐蔽工程",
    "approvals.hiddenwork.owner_standby": "建设单位旁站",
    "approvals.hiddenwork.upload_photo": "上传隐蔽工程影像",
    "approvals.notice.interview": "约谈施工单位",
    "approvals.record_log": "填写监理日志",
    "approvals.update_policy": "修改审批参数",
    "approvals.upload_document": "上传审批材料",
    # alerts
    "alerts.create_alert": "生成预警",
    "alerts.create_issue": "转为疑似问题",
    "alerts.dispose_alert": "处置预警",
    "alerts.escalate_alert": "预警超期升级",
    "alerts.feed_back_transfer": "反馈线索办理结果",
    "alerts.issue_transferred": "疑似问题已移送",
    "alerts.overdue_at_top": "预警最高层级超期",
    "alerts.read_all_notifications": "全部消息标为已读",
    "alerts.read_notification": "阅读消息",
    "alerts.receive_transfer": "签收移送线索",
    "alerts.reopen_alert": "重新打开预警",
    "alerts.request_sandbox": "指标沙箱试算",
    "alerts.review_alert.close": "审核预警：办结",
    "alerts.review_alert.send_back": "审核预警：退回重办",
    "alerts.transfer_clue": "移送问题线索",
    "alerts.update_indicator": "修改预警指标",
    "alerts.verify_issue": "核实疑似问题",
}

Resolver = Callable[[str], str | None]
_resolvers: list[tuple[str, Resolver]] = []
Linker = Callable[[str], str]
_links: dict[str, Linker] = {}
_DEFAULT_REPR = re.compile(r"^\w+ object \((\w+)\)$")


def resolver(prefix: str, fn: Resolver) -> None:
    """Label the codes starting with ``prefix`` that are not listed (an app's
    state-machine transitions)."""
    if (prefix, fn) not in _resolvers:
        _resolvers.append((prefix, fn))


def link(object_type: str, fn: Linker) -> None:
    """The page of an object of ``object_type`` (``app.model``) from its id."""
    _links[object_type] = fn


def label(action: str) -> str:
    """The Chinese label of an action code (the code itself only if nothing
    knows it, which a test forbids for the codes the platform writes)."""
    if action in LABELS:
        return LABELS[action]
    for prefix, fn in _resolvers:
        if action.startswith(prefix):
            found = fn(action)
            if found:
                return found
    return action


def is_known(action: str) -> bool:
    return label(action) != action


def codes_matching(text: str, codes: list[str]) -> list[str]:
    """The codes among ``codes`` whose label (or code) contains ``text``."""
    text = text.strip()
    return [c for c in codes if text in label(c) or text in c]


def _model(object_type: str) -> Any:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else ""


def object_name(object_type: str, object_id: str, object_repr: str) -> str:
    """The object as people name it: its stored name unless that is Django's
    default "Model object (1)", which becomes the model's Chinese name."""
    if object_repr and not _DEFAULT_REPR.match(object_repr):
        return object_repr
    return type_label(object_type) or object_repr


def object_url(object_type: str, object_id: str) -> str:
    fn = _links.get(object_type)
    if fn is None or not object_id:
        return ""
    try:
        return fn(object_id)
    except Exception:
        return ""


def field_label(object_type: str, name: str) -> str:
    model = _model(object_type)
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            if name.endswith("_id"):
                try:
                    return str(model._meta.get_field(name[:-3]).verbose_name)
                except FieldDoesNotExist:
                    pass
    return _EXTRA_FIELDS.get(name, name)


_EXTRA_FIELDS = {
    "note": "说明",
    "reason": "理由",
    "roles": "角色",
    "late": "是否超期",
    "evidence": "证据",
    "offset_seconds": "时钟偏移（秒）",
    "username": "账号",
    "organisation_id": "单位",
    "person_id": "人员",
    "project_id": "项目",
}


def _choice_text(object_type: str, name: str, value: Any) -> str | None:
    """A choice's label, or a related row's name, for a stored value."""
    model = _model(object_type)
    if model is None or value is None or not isinstance(value, str | int):
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        try:
            field = model._meta.get_field(name.removesuffix("_id"))
        except FieldDoesNotExist:
            return None
    if field.is_relation and field.related_model is not None and not field.many_to_many:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else None
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
    return str(choices[value]) if value in choices else None


def changes(object_type: str, before: Any, after: Any) -> list[dict[str, Any]]:
    """The fields side by side: label, before, after, changed — values as
    people read them (choice labels, local times, sentences)."""
    b = before if isinstance(before, dict) else ({} if before is None else {"": before})
    a = after if isinstance(after, dict) else ({} if after is None else {"": after})
    rows = []
    for name in list(dict.fromkeys([*b.keys(), *a.keys()])):
        if name in ("id", "hash", "prev_hash"):
            continue
        old, new = b.get(name), a.get(name)

        def show(v: Any, name: str = name) -> str:
            if v is None or v == "":
                return "—"
            return _choice_text(object_type, name, v) or humane.text(v)

        shown_before = show(old) if name in b else "—"
        shown_after = show(new) if name in a else "—"
        rows.append(
            {
                "label": field_label(object_type, name) if name else "内容",
                "before": shown_before,
                "after": shown_after,
                "changed": shown_before != shown_after,
            }
        )
    # what changed first; the unchanged fields after (the page folds them)
    return sorted(rows, key=lambda r: not r["changed"])
