"""Start-up of the draw part: steps, deadline kinds, menu items, subscribers."""


def ready() -> None:
    return None
