from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "postaward.portal"
    label = "portal"
    verbose_name = "公众门户"

    def ready(self) -> None:
        from postaward.core import audit_labels, menu
        from postaward.core.menu import Item

        from .services import may_edit_contacts

        menu.add(
            "alerts",
            Item("公众门户联系方式", "portal_contacts", "bi-telephone", may_edit_contacts, 82),
        )
        audit_labels.resolver("portal.", {"portal.save_contacts": "修改公布的投诉举报联系方式"}.get)
