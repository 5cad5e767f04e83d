"""What the ledger registers with core at start-up: its menu entry."""


def register():
    from core import access, menu
    from rectification.models import RectificationTask

    def may_view(user):
        return access.can(user, "view", RectificationTask)

    menu.register("整改", menu.MenuItem("整改台账", "rectification:ledger", may_view))
