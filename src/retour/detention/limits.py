"""The maximum periods of detention, from the legal parameters in force (law as data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from retour.reference.legal import parameter_in_force
from retour.reference.periods import add_period


@dataclass(frozen=True)
class DetentionLimits:
    """The last days of a detention period by the parameters in force when it was ordered:
    without extension (Art. 15(5)) and with the longest extension (Art. 15(6)); None where
    no version of the parameter is in force. Shown, not enforced: ending the period is the
    officer's act (``end_detention``, reason ``maximum_reached``)."""

    initial: date | None
    extended: date | None
    source: str


def detention_limits(member_state: str, ordered_on: date) -> DetentionLimits:
    """Directive 2008/115/EC Art. 15(5): at most six months, which national law may set
    shorter; Art. 15(6): extended by at most twelve further months for lack of cooperation or
    delays in obtaining documents (legal parameters ``detention.initial_maximum`` and
    ``detention.extension_maximum``)."""
    initial = parameter_in_force("detention.initial_maximum", ordered_on, member_state)
    if initial is None:
        return DetentionLimits(None, None, "")
    first = add_period(ordered_on, initial.value, initial.unit)
    extension = parameter_in_force("detention.extension_maximum", ordered_on, member_state)
    extended = add_period(first, extension.value, extension.unit) if extension else None
    sources = [initial.source] + ([extension.source] if extension else [])
    return DetentionLimits(first, extended, "; ".join(sources))
