"""What results registers with core at start-up (menu, workbench); the parts add theirs here."""


def register_all():
    pass
