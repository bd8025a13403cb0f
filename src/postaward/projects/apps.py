from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "postaward.projects"
    label = "projects"
    verbose_name = "项目监管"

    def ready(self) -> None:
        from postaward.core import menu
        from postaward.core.menu import Item

        from . import hooks  # noqa: F401

        menu.add("projects", Item("项目列表", "project_list", "bi-list-ul", order=10))
