"""Every action function by name, whichever app declares it: for tests that drive the whole
procedure (the case core's actions and those other apps plug into the case)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from retour.cases import actions as case_actions
from retour.seam import actions as seam_actions


class _EveryAction:
    def __getattr__(self, name: str) -> Callable[..., Any]:
        try:
            handler = seam_actions.get(name).handler
        except KeyError:
            handler = None
        return handler if handler is not None else getattr(case_actions, name)


actions = _EveryAction()
