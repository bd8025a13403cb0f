"""visits models."""

__all__: list[str] = []
