from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "postaward.attendance"
    label = "attendance"
    verbose_name = "现场考勤"

    def ready(self) -> None:
        from postaward.core import menu
        from postaward.core.menu import Item

        from . import events, hooks, steps, subscribers, tasks  # noqa: F401
        from .permissions import can_view_stats, has_checkin_duty, is_owner_user

        menu.add(
            "attendance",
            Item(
                "现场打卡",
                "attendance_checkin",
                "bi-geo-alt-fill",
                visible=has_checkin_duty,
                order=10,
            ),
        )
        menu.add(
            "attendance",
            Item(
                "我的考勤", "attendance_me", "bi-calendar-check", visible=has_checkin_duty, order=20
            ),
        )
        menu.add(
            "attendance",
            Item(
                "巡查轨迹",
                "attendance_patrol",
                "bi-signpost-split",
                visible=is_owner_user,
                order=30,
                todo_kinds=("attendance.patrol",),
            ),
        )
        menu.add(
            "attendance",
            Item(
                "考勤管理",
                "attendance_owner",
                "bi-people",
                visible=is_owner_user,
                order=40,
                todo_kinds=("attendance.leave", "attendance.interview"),
            ),
        )
        menu.add(
            "attendance",
            Item("考勤统计", "attendance_stats", "bi-bar-chart", visible=can_view_stats, order=50),
        )
        menu.add(
            "attendance",
            Item(
                "考勤台账",
                "attendance_records",
                "bi-journal-check",
                visible=lambda a: can_view_stats(a) or is_owner_user(a),
                order=60,
            ),
        )
