# The case tests' frozen "today".
from retour.cases.tests.conftest import today  # noqa: F401
