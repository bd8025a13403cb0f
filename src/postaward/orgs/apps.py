from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "postaward.orgs"
    label = "orgs"
    verbose_name = "组织与人员"

    def ready(self) -> None:
        from postaward.core import menu, registries
        from postaward.core.menu import Item

        from . import selectors, tokencache
        from .choices import OrgKind, Role

        # What the kernel asks of this app, handed over instead of imported (ADR 0055).
        registries.provide_orgs(selectors.KERNEL_DIRECTORY)
        registries.provide_token_backend(selectors.TOKEN_BACKEND)
        tokencache.connect()  # a change to what a token stands for empties the caches (ADR 0507)

        def is_admin(actor):  # type: ignore[no-untyped-def]
            return Role.ADMIN in actor.roles

        def can_read_logins(actor):  # type: ignore[no-untyped-def]
            return actor.org_kind == OrgKind.SUPERVISION_OFFICE or Role.ADMIN in actor.roles

        menu.add("orgs", Item("单位管理", "organisation_list", "bi-diagram-3", order=10))
        menu.add("orgs", Item("人员管理", "person_list", "bi-people", order=20))
        menu.add(
            "orgs",
            Item("账号与角色", "account_list", "bi-person-badge", visible=is_admin, order=30),
        )
        menu.add(
            "system",
            Item("登录日志", "login_log", "bi-door-open", visible=can_read_logins, order=30),
        )
        menu.add("system", Item("接口令牌", "tokens", "bi-key", order=40))
