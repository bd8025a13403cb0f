"""Pages of the reports app: the four ledgers and the typical cases."""

from django.urls import URLPattern, URLResolver, path

from postaward.core import steps

from . import views_cases as c
from . import views_dashboards as d
from . import views_ledgers as v
from . import views_meeting as mt
from . import views_monthly as m
from . import views_units as u
from .steps_cases import WF_CASE
from .steps_meeting import WF_MEETING
from .steps_monthly import WF_MONTHLY

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/dashboard/", d.dashboard_page, name="reports_dashboard"),
    path("reports/screen/", d.screen_page, name="reports_screen"),
    path("reports/ledgers/in-process/", v.in_process, name="reports_ledger_in_process"),
    path("reports/ledgers/post-award/", v.post_award, name="reports_ledger_post_award"),
    path("reports/ledgers/complaints/", v.complaints, name="reports_ledger_complaints"),
    path("reports/ledgers/verified/", v.verified, name="reports_ledger_verified"),
    path("reports/typical-cases/", c.case_list, name="reports_cases"),
    path("reports/typical-cases/new/", c.case_new, name="reports_case_new"),
    path("reports/typical-cases/<id:pk>/", c.case_detail, name="reports_case_detail"),
    steps.page_urls("reports/typical-cases/", WF_CASE, "reports_case_step"),
    path("reports/monthly/", m.monthly_list, name="reports_monthly"),
    path("reports/monthly/new/", m.monthly_new, name="reports_monthly_new"),
    path("reports/monthly/<id:pk>/", m.monthly_detail, name="reports_monthly_detail"),
    steps.page_urls("reports/monthly/", WF_MONTHLY, "reports_monthly_step"),
    path("reports/meetings/", mt.meeting_list, name="reports_meeting"),
    path("reports/meetings/new/", mt.meeting_new, name="reports_meeting_new"),
    path("reports/meetings/<id:pk>/", mt.meeting_detail, name="reports_meeting_detail"),
    steps.page_urls("reports/meetings/", WF_MEETING, "reports_meeting_step"),
    path("reports/monthly-units/", u.unit_list, name="reports_units"),
    path("reports/monthly-units/new/", u.unit_new, name="reports_unit_new"),
    path("reports/monthly-units/<id:pk>/", u.unit_detail, name="reports_unit_detail"),
]
