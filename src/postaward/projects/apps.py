from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "postaward.projects"
    label = "projects"
    verbose_name = "项目监管"

    def ready(self) -> None:
        from postaward.core import menu, registries
        from postaward.core.menu import Item

        from . import hooks, steps, steps_checks  # noqa: F401 (events and visibility hooks; the steps)

        registries.provide_projects(hooks.KERNEL_DIRECTORY)
        _documents_about_projects()
        from .views import can_import, can_register, can_see_bans

        menu.add(
            "projects",
            Item("项目列表", "project_list", "bi-list-ul", order=10, todo_kinds=("projects.",)),
        )
        menu.add("projects", Item("项目地图", "project_map", "bi-geo-alt", order=12))
        menu.add("projects", Item("项目统计", "project_stats", "bi-bar-chart", order=14))
        menu.add(
            "projects",
            Item("录入项目", "project_create", "bi-plus-square", visible=can_register, order=20),
        )
        menu.add(
            "projects",
            Item("导入中标项目", "project_import", "bi-upload", visible=can_import, order=22),
        )
        menu.add(
            "projects",
            Item("人员任职限制", "project_bans", "bi-person-x", visible=can_see_bans, order=30),
        )


def _documents_about_projects() -> None:
    """Documents issued about a project are visible to whoever sees it (ADR 0090)."""
    from django.urls import reverse

    from postaward.core import documents

    from .models import Project

    documents.register_subject(
        "projects.project",
        lambda actor: Project.objects.visible_to(actor).values("pk"),
        url=lambda pk: reverse("project_detail", args=[pk]),
    )
