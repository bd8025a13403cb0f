"""plans models."""

__all__: list[str] = []
