"""The platform put together: commands that drive every app at once (the demo
district, the simulator). It sits in the top layer with ``postaward.api``,
``postaward.urls`` and ``postaward.cli`` and may import every app; no app imports
it (ADR 0055)."""
