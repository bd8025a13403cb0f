"""API of the matters part."""

from ninja import Router

router = Router()
