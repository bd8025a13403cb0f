from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "postaward.portal"
    label = "portal"
    verbose_name = "公众门户"
