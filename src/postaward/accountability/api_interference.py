"""API of the interference part."""

from ninja import Router

router = Router()
