"""The JSON API under /api/v1/ (django-ninja); OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs.

Every operation needs a caller: an API token (``Authorization: Bearer …``) or the browser's
session (with the CSRF token on unsafe methods). What a caller sees is scoped exactly as on
the pages, and every change goes through the action functions.
"""

from ninja import NinjaAPI

from retour.api import (
    body,
    case_actions,
    cases,
    documents,
    errors,
    matching,
    missions,
    people,
    readmission,
    tasks,
)
from retour.api.auth import ApiTokenAuth, BrowserSessionAuth
from retour.api.throttle import PerUser

api = NinjaAPI(
    title="Retour API",
    version="1",
    description=(
        "Return case management. Authenticate with a personal API token "
        "(`retour token create USERNAME`) as `Authorization: Bearer <token>`, or with the "
        "signed-in browser session. Each user may send a limited number of requests (600 a "
        "minute unless the deployment sets another rate); past it the answer is 429 with "
        "`Retry-After`. Errors are JSON: `{\"detail\": \"...\"}`, or for wrong "
        "input (422) `{\"detail\": [{\"field\": \"...\", \"message\": \"...\"}]}`."
    ),
    urls_namespace="api",
    auth=[ApiTokenAuth(), BrowserSessionAuth()],
    throttle=[PerUser()],
)
errors.install(api)
api.add_decorator(body.object_body, mode="view")
api.add_router("", cases.router)
api.add_router("", case_actions.router)
api.add_router("", matching.router)
api.add_router("", people.router)
api.add_router("", tasks.router)
api.add_router("", documents.router)
api.add_router("", missions.router)
api.add_router("", readmission.router)
