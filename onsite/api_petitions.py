"""API of the petitions part (filled in by its own change)."""

from ninja import Router

router = Router(tags=["进驻了解"])
