"""API of the transfers part (filled in by its own change)."""

from ninja import Router

router = Router(tags=["报告、反馈和移交"])
