from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "postaward.inspections"
    label = "inspections"
    verbose_name = "双随机检查"

    def ready(self) -> None:
        from postaward.core import menu

        from . import events, setup_contracts, setup_draw, setup_visits  # noqa: F401

        # Its own menu group, after 案件查处 (57).
        menu.section("inspections", "双随机检查", "bi-shuffle", 58)
        # Each part registers its steps, deadline kinds, menu items, subscribers.
        setup_draw.ready()
        setup_visits.ready()
        setup_contracts.ready()
