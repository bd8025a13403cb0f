from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "postaward.integrations"
    label = "integrations"
    verbose_name = "开放数据"
