from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "postaward.portal"
    label = "portal"
    verbose_name = "公众门户"

    def ready(self) -> None:
        from django.urls import reverse

        from postaward.core import audit_labels, homepage, menu
        from postaward.core.menu import Item
        from postaward.orgs.choices import Role

        from . import publications
        from .services import may_edit_contacts
        from .views_publications import can_publish

        menu.add(
            "complaints",
            Item("公众门户联系方式", "portal_contacts", "bi-telephone", may_edit_contacts, 40),
        )
        # results published on the public site (R-CAS-05), in the credit group
        publications.register()
        menu.add(
            "credit",
            Item("结果公示", "portal_publications", "bi-megaphone", can_publish, 20),
        )
        menu.set_badge("portal_publications", todo_kinds=("portal.publication",))
        homepage.register(order=48)(publications.home_card)
        audit_labels.link(
            "portal.publication", lambda pk: reverse("portal_publication", args=[int(pk)])
        )
        # A member of the public has no back office: after logging in they land on
        # their own filings (我的投诉举报).
        homepage.landing(
            lambda actor: reverse("portal_mine") if actor.roles == {Role.PUBLIC_USER} else None
        )
        audit_labels.resolver(
            "portal.",
            {
                "portal.save_contacts": "修改公布的投诉举报联系方式",
                "portal.publication_queued": "结果待公示（已审签）",
                "portal.publish": "在公众门户公示结果",
            }.get,
        )
