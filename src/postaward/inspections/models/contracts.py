"""contracts models."""

__all__: list[str] = []
