"""Start-up of the contracts part: steps, deadline kinds, menu items, subscribers."""


def ready() -> None:
    return None
