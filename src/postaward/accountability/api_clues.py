"""API of the clues part."""

from ninja import Router

router = Router()
