# The case tests' frozen "today", and real Chromium for the browser test of detention's pages.
from retour.cases.tests.conftest import today  # noqa: F401
from retour.web.tests.conftest import chromium, page  # noqa: F401
