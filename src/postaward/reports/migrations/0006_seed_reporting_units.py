"""Seed the monthly reports' directory (ADR 0933) from the rule it replaces
(ADR 0920): every industry authority and public security bureau of an office's
district reports; the district's DRC coordinates (else the office)."""

from django.db import migrations

DEPARTMENT_KINDS = ("industry_authority", "public_security")


def seed(apps, schema_editor):
    Organisation = apps.get_model("orgs", "Organisation")
    ReportingUnit = apps.get_model("reports", "ReportingUnit")
    for office in Organisation.objects.filter(kind="supervision_office").order_by("path"):
        if ReportingUnit.objects.filter(office=office).exists():
            continue
        root = office.path.split("/", 1)[0] + "/" if office.path else ""
        if not root:
            continue
        for org in Organisation.objects.filter(
            path__startswith=root, kind__in=DEPARTMENT_KINDS
        ).order_by("path"):
            ReportingUnit.objects.create(office=office, organisation=org, role="department")
        drc = (
            Organisation.objects.filter(path__startswith=root, kind="drc").order_by("path").first()
        )
        ReportingUnit.objects.create(office=office, organisation=drc or office, role="coordinator")


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_reporting_units")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
