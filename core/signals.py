from django.dispatch import Signal

# Sent inside the transaction that creates an authority, so that later apps
# can give it their defaults (the registry seeds its organisation kinds).
authority_created = Signal()
