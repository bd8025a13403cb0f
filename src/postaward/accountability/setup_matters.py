"""The matters part: registers its steps, deadline kinds, menu items and subscribers."""


def ready() -> None:
    """Called once from AccountabilityConfig.ready()."""
