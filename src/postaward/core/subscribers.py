"""Core subscribers (none yet: other apps register theirs in their own modules)."""
