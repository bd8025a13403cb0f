"""What the credit capability gives the shell: home-page cards and the audit
log's labels and links."""

from __future__ import annotations

from django.urls import reverse

from postaward.core import audit_labels, homepage
from postaward.core.actor import Actor

from .choices import RecordState


@homepage.register(order=47)
def credit_counts(actor: Actor) -> list[dict]:
    from .views import can_see_credit, records

    if not can_see_credit(actor):
        return []
    url = reverse("credit_list")
    return [
        {
            "key": "credit_objecting",
            "label": "异议中的信用记录",
            "value": records(actor).filter(state=RecordState.OBJECTING).count(),
            "icon": "bi-award",
            "url": f"{url}?state={RecordState.OBJECTING}",
        }
    ]


audit_labels.link("credit.creditrecord", lambda pk: reverse("credit_detail", args=[int(pk)]))


def _request_link(pk: str) -> str:
    from .models import CreditRequest

    row = (
        CreditRequest.objects.filter(pk=int(pk))
        .values("record_id", "score_event_id", "sanction_id")
        .first()
    )
    if row is None:
        return ""
    if row["sanction_id"]:
        return reverse("credit_sanction_detail", args=[row["sanction_id"]]) + "#requests"
    if row["record_id"]:
        return reverse("credit_detail", args=[row["record_id"]]) + "#requests"
    return reverse("credit_score_detail", args=[row["score_event_id"]]) + "#requests"


audit_labels.link("credit.creditrequest", _request_link)
audit_labels.link("credit.scoreevent", lambda pk: reverse("credit_score_detail", args=[int(pk)]))
audit_labels.link("credit.ruleset", lambda pk: reverse("credit_rule_detail", args=[int(pk)]))
audit_labels.link("credit.sanction", lambda pk: reverse("credit_sanction_detail", args=[int(pk)]))

audit_labels.link(
    "credit.agentappraisal", lambda pk: reverse("credit_appraisal_detail", args=[int(pk)])
)
audit_labels.link(
    "credit.agentchoice", lambda pk: reverse("credit_agent_choice_detail", args=[int(pk)])
)
audit_labels.link(
    "credit.evaluationevent", lambda pk: reverse("credit_evaluation_event_detail", args=[int(pk)])
)
audit_labels.link(
    "credit.expertreport", lambda pk: reverse("credit_expert_report_detail", args=[int(pk)])
)

AUDIT_LABELS = {
    "credit.record_entered": "录入信用记录",
    "credit.request_filed": "登记信用异议（修复）申请",
    "credit.give_opinion": "主管部门出具核查意见",
    "credit.uphold": "采纳信用异议（修复）申请",
    "credit.reject": "不予采纳信用异议（修复）申请",
    "credit.record_changed": "变更信用记录",
    "credit.sanction_recorded": "登记处理措施",
    "credit.rule_set_drafted": "起草评分规则新版本",
    "credit.rule_set_updated": "修改评分规则版本信息",
    "credit.rule_item_added": "添加评分项",
    "credit.rule_item_changed": "修改评分项",
    "credit.rule_item_deleted": "删除评分项",
    "credit.rule_set_submit": "提交评分规则复核",
    "credit.rule_set_approve": "评分规则复核通过",
    "credit.rule_set_reject": "评分规则复核不予通过",
    "credit.rule_set_revise": "评分规则退回修改",
    "credit.rule_set_superseded": "评分规则版本被新版本替代",
    "credit.rule_set_defaults_installed": "装入平台默认评分规则",
    "credit.annual_computed": "计算年度综合评分（新版本）",
    "credit.annual_recompute_started": "发起重新计算年度综合评分",
    "credit.score_repair_filed": "登记记分信用修复申请",
    "credit.score_repaired": "记分信用修复（恢复扣分）",
    "credit.score_recorded": "自动记分",
    "credit.score_entered": "人工录入记分",
    "credit.score_withdrawn": "撤销记分（事实撤销）",
    "credit.score_final": "记分生效（异议期满）",
    "credit.score_objection_filed": "登记记分异议",
    "credit.score_objection_decided": "记分异议处理结果",
    "credit.sanction_revoked": "撤销处理措施",
    "credit.sanction_repair_filed": "登记黑名单信用修复申请",
    "credit.appraisal_recorded": "登记招标代理机构年度考评",
    "credit.appraisal_approved": "审定年度考评",
    "credit.appraisal_returned": "退回年度考评",
    "credit.agent_chosen": "登记选定的招标代理机构",
    "credit.disclosure_filed": "填报招标代理机构公示信息",
    "credit.disclosure_check": "核查通过招标代理机构公示信息",
    "credit.disclosure_send_back": "退回补正招标代理机构公示信息",
    "credit.expert_admitted": "评标专家入库",
    "credit.expert_pool_state": "变更评标专家库状态",
    "credit.evaluation_event_recorded": "登记评标活动",
    "credit.expert_evaluated": "评价评标专家",
    "credit.expert_reported": "报告评标专家不良评价",
    "credit.expert_report_suspend": "暂停评标专家评标资格",
    "credit.expert_report_remove": "取消评标专家评标资格",
    "credit.expert_report_dismiss": "评标专家不良评价不予处理",
}

audit_labels.resolver("credit.", AUDIT_LABELS.get)
