"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

Playwright's sync API keeps an asyncio event loop in the test thread, and Django
refuses ORM calls from a thread with a running loop unless told it is safe. The
tests here only touch the ORM between browser steps, never concurrently.
"""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
