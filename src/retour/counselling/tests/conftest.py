# The case tests' frozen "today", for the tests of a capability that plugs into the case.
from retour.cases.tests.conftest import today  # noqa: F401
