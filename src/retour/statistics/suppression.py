"""Small-count suppression of the tables that leave the member state.

Primary suppression withholds every count below the threshold
(``RETOUR_SUPPRESSION_THRESHOLD``), the total included; zero is published. Secondary
suppression then withholds more cells until no withheld value can be worked out from what is
published. A table is a total and one-way breakdowns, each adding up to the total, and a listed
cell counts at least one person (only values that occur are listed), so a reader who knows the
published figures can recover a withheld cell when:

- the total is published and it is the only withheld cell of its breakdown (total minus the
  others);
- the total is published and the withheld cells of a breakdown add up to exactly as many
  persons as there are withheld cells (each of them must then be 1);
- the total is withheld but some breakdown is published in full (the total is its sum).

Each of these is closed by withholding the breakdown's smallest published cell, or the total
when a breakdown has none left. Withheld cells are published as Eurostat does: ':' with the
flag 'c' (confidential).

Not covered: a reader who guesses which withheld cells were withheld for being small (those
are below the threshold) can narrow a withheld value down to a range, not to one figure.
"""

from __future__ import annotations

from django.conf import settings

from retour.statistics.eirt import Cell, Table


def threshold() -> int:
    """The configured threshold: counts below it are withheld."""
    return int(settings.SUPPRESSION_THRESHOLD)


def _smallest(cells: list[Cell], hidden: set[tuple[str, str]]) -> Cell | None:
    shown = [c for c in cells if c.key not in hidden]
    return min(shown, key=lambda c: (c.count, c.value), default=None)


def _exposed(cells: list[Cell], hidden: set[tuple[str, str]], total_hidden: bool) -> bool:
    withheld = [c.count for c in cells if c.key in hidden]
    if total_hidden:
        return not withheld
    return len(withheld) == 1 or (bool(withheld) and sum(withheld) == len(withheld))


def suppress(table: Table, minimum: int | None = None) -> Table:
    """``table`` with its cells below ``minimum`` (default: the setting) withheld, and enough
    others that neither they nor the total can be recomputed from the published figures."""
    limit = threshold() if minimum is None else minimum
    hidden = {c.key for c in table.cells if 0 < c.count < limit}
    total = table.total.key
    groups = table.groups()
    changed = True
    while changed:
        changed = False
        for cells in groups.values():
            if not _exposed(cells, hidden, total in hidden):
                continue
            smallest = _smallest(cells, hidden)
            hidden.add(total if smallest is None else smallest.key)
            changed = True
    return table.hiding(hidden)
