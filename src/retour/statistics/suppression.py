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

The same rule serves any figures tied by sums (``withheld``): the cooperation scorecard's
counts per member state, which add up to the counts of all member states and, within one
member state, to the number of requests submitted or of persons interviewed. A figure that is
never published (the acceptances that were explicit, when accepted and tacitly accepted are)
can still be worked out, so it is withheld like any other when small, and a reader who does
not see it cannot use it.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from django.conf import settings

from retour.statistics.eirt import Table

K = TypeVar("K", bound=Hashable)
# A total and the parts it is the sum of.
Sum = tuple[K, Sequence[K]]


def threshold() -> int:
    """The configured threshold: counts below it are withheld."""
    return int(settings.SUPPRESSION_THRESHOLD)


def _exposed(
    counts: Mapping[K, int],
    total: K,
    parts: Sequence[K],
    hidden: set[K],
    unpublished: Collection[K],
) -> bool:
    unknown = [p for p in parts if p in hidden or p in unpublished]
    if total in hidden:
        return not unknown
    if not hidden.intersection(unknown):
        return False  # a large figure never published may be worked out
    return len(unknown) == 1 or sum(counts[p] for p in unknown) == len(unknown)


def withheld(
    counts: Mapping[K, int],
    sums: Iterable[Sum[K]],
    minimum: int | None = None,
    unpublished: Collection[K] = (),
) -> set[K]:
    """The keys of ``counts`` to withhold: the counts below ``minimum`` (default: the setting),
    then, sum by sum until nothing changes, the smallest published part (or the total) of
    every sum that would let a reader work out a withheld count. ``unpublished`` counts are
    never shown: withheld when small, never chosen to protect another."""
    limit = threshold() if minimum is None else minimum
    ties = list(sums)
    hidden = {key for key, count in counts.items() if 0 < count < limit}
    changed = True
    while changed:
        changed = False
        for total, parts in ties:
            if not _exposed(counts, total, parts, hidden, unpublished):
                continue
            shown = [p for p in parts if p not in hidden and p not in unpublished]
            hidden.add(min(shown, key=lambda p: counts[p], default=total))
            changed = True
    return hidden


def suppress(table: Table, minimum: int | None = None) -> Table:
    """``table`` with its cells below ``minimum`` (default: the setting) withheld, and enough
    others that neither they nor the total can be recomputed from the published figures."""
    counts = {cell.key: cell.count for cell in table.cells}
    # Among equal counts the first in the order of the values is withheld.
    sums = [
        (table.total.key, [c.key for c in sorted(cells, key=lambda c: c.value)])
        for cells in table.groups().values()
    ]
    return table.hiding(withheld(counts, sums, minimum))
