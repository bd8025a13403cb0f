"""Start-up of the visits part: steps, deadline kinds, menu items, subscribers."""


def ready() -> None:
    return None
