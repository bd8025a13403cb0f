"""Pages of the agents and experts part (R-SCO-05, R-SCO-06, R-SCO-09)."""

from __future__ import annotations

from django.urls import path

from postaward.core import steps

from . import views_agents as v
from .steps_agents import WF_APPRAISAL, WF_DISCLOSURE, WF_REPORT

urlpatterns = [
    path("credit/agents/", v.agent_list, name="credit_agent_list"),
    path("credit/agents/<id:pk>/", v.agent_detail, name="credit_agent_detail"),
    path("credit/agents/disclosure/", v.disclosure_edit, name="credit_disclosure_edit"),
    steps.page_urls("credit/agents/disclosures/", WF_DISCLOSURE, "credit_disclosure_step"),
    path("credit/agents/appraisals/", v.appraisal_list, name="credit_appraisal_list"),
    path("credit/agents/appraisals/new/", v.appraisal_new, name="credit_appraisal_new"),
    path("credit/agents/appraisals/<id:pk>/", v.appraisal_detail, name="credit_appraisal_detail"),
    steps.page_urls("credit/agents/appraisals/", WF_APPRAISAL, "credit_appraisal_step"),
    path("credit/agents/choices/", v.choice_list, name="credit_agent_choice_list"),
    path("credit/agents/choices/new/", v.choice_new, name="credit_agent_choice_new"),
    path("credit/agents/choices/<id:pk>/", v.choice_detail, name="credit_agent_choice_detail"),
    path("credit/experts/pool/", v.pool_list, name="credit_expert_pool_list"),
    path("credit/experts/pool/new/", v.pool_new, name="credit_expert_pool_new"),
    path("credit/experts/events/", v.event_list, name="credit_evaluation_event_list"),
    path("credit/experts/events/new/", v.event_new, name="credit_evaluation_event_new"),
    path("credit/experts/events/<id:pk>/", v.event_detail, name="credit_evaluation_event_detail"),
    path("credit/experts/reports/", v.report_list, name="credit_expert_report_list"),
    path("credit/experts/reports/<id:pk>/", v.report_detail, name="credit_expert_report_detail"),
    steps.page_urls("credit/experts/reports/", WF_REPORT, "credit_expert_report_step"),
]
