"""Pages of the interference part (R-ACT-06): the register, the monthly
report, the units' rules, and the public site's form and follow-up."""

from django.urls import URLPattern, URLResolver, path

from postaward.core import steps

from . import views_interference as v
from . import views_public_interference as pub
from . import views_rules_interference as rules
from .steps_interference import WF

P = "accountability/interference/"

urlpatterns: list[URLPattern | URLResolver] = [
    path(P, v.interference_list, name="accountability_interference_list"),
    path(f"{P}new/", v.interference_new, name="accountability_interference_new"),
    path(f"{P}monthly/", v.interference_monthly, name="accountability_interference_monthly"),
    path(f"{P}<id:pk>/", v.interference_detail, name="accountability_interference_detail"),
    path(f"{P}<id:pk>/additions/", v.interference_add, name="accountability_interference_add"),
    path(
        f"{P}<id:pk>/reporter/",
        v.interference_reporter,
        name="accountability_interference_reporter",
    ),
    path(
        f"{P}<id:pk>/evidence/",
        v.interference_evidence,
        name="accountability_interference_evidence",
    ),
    path(
        f"{P}<id:pk>/additions/<id:aid>/evidence/",
        v.interference_addition_evidence,
        name="accountability_interference_addition_evidence",
    ),
    steps.page_urls(P, WF, "accountability_interference_step"),
    path("accountability/integrity-rules/", rules.rule_list, name="accountability_integrity_rules"),
    path(
        "accountability/integrity-rules/new/",
        rules.rule_new,
        name="accountability_integrity_rule_new",
    ),
    path(
        "accountability/integrity-rules/missing/",
        rules.rule_missing,
        name="accountability_integrity_rule_missing",
    ),
    path(
        "accountability/integrity-rules/<id:pk>/file/",
        rules.rule_file,
        name="accountability_integrity_rule_file",
    ),
    # the public site (no account)
    path("public/interference/new/", pub.public_new, name="accountability_interference_public"),
    path(
        "public/interference/track/",
        pub.public_track,
        name="accountability_interference_public_track",
    ),
]
