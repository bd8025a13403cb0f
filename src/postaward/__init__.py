"""postaward: 标后监管平台, post-award supervision of government-invested projects."""

__version__ = "0.1.0"
