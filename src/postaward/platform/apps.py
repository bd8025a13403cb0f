from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "postaward.platform"
    label = "platform"
    verbose_name = "平台组装"
