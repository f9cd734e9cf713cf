"""The cooperation scorecard against figures worked out by hand on a small world
(``scorecard_fixture``): requests and their outcomes including a tacit acceptance and a
rejection, reply times, timeliness, travel documents, interviews, return decisions and forced
returns (Visa Code Art. 25a(2)(a)–(d)); national and EU scope; the cases behind a figure."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from retour.errors import InvalidInput
from retour.readmission.scorecard import COUNTS, CountryScore, Period, cases_behind, scorecard
from retour.readmission.tests.scorecard_fixture import World, build

pytestmark = pytest.mark.usefixtures("frozen_clock")  # "today" is 2 March 2026
Q1 = Period.quarter(2026, 1)


@pytest.fixture
def world(anna: Any, lucas: Any) -> World:
    return build(anna, lucas)


def _counts(**given: int) -> dict[str, int]:
    return {name: given.get(name, 0) for name in COUNTS}


def test_periods_are_quarters_or_any_days():
    assert Q1 == Period(date(2026, 1, 1), date(2026, 3, 31)) == Period.parse("2026q1")
    assert Period.parse("2025-Q4").last == date(2025, 12, 31)
    assert Q1.code == "2026Q1" and Q1.previous().code == "2025Q4"
    assert Period.of(date(2026, 8, 15)).code == "2026Q3"
    assert Period(date(2026, 1, 1), date(2026, 2, 15)).code == "2026-01-01..2026-02-15"
    with pytest.raises(InvalidInput) as refused:
        Period.parse("2026Q5")
    assert "period" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        Period(date(2026, 2, 1), date(2026, 1, 1))
    assert "to" in refused.value.errors


def test_a_member_states_scorecard_against_the_hand_computed_figures(world):
    card = scorecard(Q1, "NL")
    assert list(card.countries) == ["MA", "PK"]
    pakistan = card.countries["PK"]
    assert list(pakistan.by_member_state) == ["NL"]
    figures = pakistan.total
    assert figures.counts == _counts(
        submitted=4,
        accepted=2,
        tacitly_accepted=1,
        rejected=1,
        pending=1,
        replies_owed=3,
        answered_in_time=2,
        documents_issued=3,
        interviews=3,
        identified=1,
        not_identified=1,
        awaiting_outcome=1,
        return_decisions=6,
        forced_returns=1,
    )
    assert figures.acceptance_rate == 0.5
    assert (figures.reply_days_median, figures.reply_days_p90) == (19.0, 28)
    assert figures.in_time_share == pytest.approx(2 / 3)
    assert figures.issuance_days_median == 7.0  # 5, 7 and 11 days
    assert figures.forced_return_share == pytest.approx(1 / 6)
    morocco = card.countries["MA"].total
    assert morocco.counts == _counts(submitted=1, withdrawn=1, return_decisions=1)
    assert morocco.acceptance_rate == 0.0 and morocco.in_time_share is None
    assert morocco.reply_days_median is None and morocco.forced_return_share == 0.0


def test_the_eu_scope_adds_the_member_states_and_keeps_each_one(world):
    card = scorecard(Q1, minimum=1)  # as counted: nothing withheld
    pakistan = card.countries["PK"]
    assert list(pakistan.by_member_state) == ["BE", "NL"]
    belgium = pakistan.by_member_state["BE"]
    assert belgium.counts == _counts(submitted=1, accepted=1, replies_owed=1, return_decisions=1)
    assert belgium.acceptance_rate == 1.0 and belgium.in_time_share == 0.0  # 44 days, late
    assert pakistan.by_member_state["NL"] == scorecard(Q1, "NL").countries["PK"].total
    total = pakistan.total
    assert (
        total.counts["submitted"],
        total.counts["accepted"],
        total.counts["replies_owed"],
        total.counts["answered_in_time"],
        total.counts["return_decisions"],
    ) == (5, 3, 4, 2, 7)
    assert total.acceptance_rate == 0.6
    assert (total.reply_days_median, total.reply_days_p90) == (28.0, 44)
    assert total.forced_return_share == pytest.approx(1 / 7)
    assert scorecard(Q1, "BE").countries.keys() == {"PK"}


def test_the_date_that_places_each_figure_in_the_period(world):
    q4 = scorecard(Period.quarter(2025, 4), "NL").countries["PK"].total
    assert q4.counts == _counts(
        submitted=1, accepted=1, replies_owed=1, answered_in_time=1, return_decisions=1
    )
    january = scorecard(Period(date(2026, 1, 1), date(2026, 1, 31)), "NL").countries["PK"]
    assert january.total.counts["submitted"] == 2  # NL-1, NL-2
    assert january.total.counts["documents_issued"] == 2  # NL-0 and NL-1, not NL-2 (Feb)
    assert january.total.counts["interviews"] == 0  # the mission is in February
    assert january.total.counts["forced_returns"] == 1


def test_the_cases_behind_a_figure_are_those_counted(world):
    references = {
        figure: [i.reference for i in cases_behind(Q1, "NL", "PK", figure)] for figure in COUNTS
    }
    r = world.requests
    assert references["accepted"] == [r["NL-1"].reference, r["NL-2"].reference]
    assert references["tacitly_accepted"] == [r["NL-2"].reference]
    assert references["rejected"] == [r["NL-3"].reference]
    assert references["documents_issued"] == [r[k].reference for k in ("NL-0", "NL-1", "NL-2")]
    assert references["forced_returns"] == [world.removed.number]
    assert references["identified"] == [world.presented["identified"].number]
    card = scorecard(Q1, "NL").countries["PK"].total
    assert {f: len(refs) for f, refs in references.items()} == card.counts
    assert [i.case_id for i in cases_behind(Q1, "BE", "PK", "accepted")] == [r["BE-1"].case_id]
    assert cases_behind(Q1, "BE", "MA", "submitted") == []
    with pytest.raises(InvalidInput):
        cases_behind(Q1, "NL", "PK", "persons")


def test_the_scorecard_takes_a_handful_of_queries_whatever_the_number_of_cases(
    world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        scorecard(Q1)


def _worked_out(score: CountryScore) -> dict[tuple[str, str], int]:
    """What a reader of the published figures can work out, sum by sum, until nothing more
    follows: the member states add up to all of them; within one member state the requests
    submitted add up from their outcomes, the persons interviewed from theirs, and accepted
    and replies owed each hold a shown part and an unshown rest."""
    rows = {"": score.total, **score.by_member_state}
    known = {
        (row, name): count
        for row, figures in rows.items()
        for name, count in figures.counts.items()
        if count is not None
    }
    sums = [(("", name), [(s, name) for s in score.by_member_state]) for name in COUNTS]
    sums += [(("", rest), [(s, rest) for s in score.by_member_state]) for rest in ("x", "l")]
    for row in rows:
        sums += [
            (
                (row, "submitted"),
                [(row, n) for n in ("accepted", "rejected", "pending", "withdrawn")],
            ),
            (
                (row, "interviews"),
                [
                    (row, n)
                    for n in (
                        "identified",
                        "not_identified",
                        "needs_more_evidence",
                        "did_not_appear",
                        "awaiting_outcome",
                    )
                ],
            ),
            ((row, "accepted"), [(row, "tacitly_accepted"), (row, "x")]),
            ((row, "replies_owed"), [(row, "answered_in_time"), (row, "l")]),
        ]
    learned = True
    while learned:
        learned = False
        for total, parts in sums:
            cells = [total, *parts]
            unknown = [c for c in cells if c not in known]
            if len(unknown) != 1:
                continue
            rest = sum(known[p] for p in parts if p in known)
            known[unknown[0]] = rest if unknown[0] == total else known[total] - rest
            learned = True
    return known


def test_the_figures_of_all_member_states_withhold_small_counts(world, settings):
    settings.SUPPRESSION_THRESHOLD = 5
    pakistan = scorecard(Q1).countries["PK"]
    belgium, netherlands, total = (
        pakistan.by_member_state["BE"],
        pakistan.by_member_state["NL"],
        pakistan.total,
    )
    # Belgium's one request, accepted: withheld, with what it would be recomputed from.
    assert belgium.counts["submitted"] is None and "submitted" in belgium.withheld
    assert belgium.counts["accepted"] is None and belgium.acceptance_rate is None
    assert "acceptance_rate" in belgium.withheld
    assert netherlands.counts["submitted"] is None  # 4: total 5 minus it would give Belgium's
    assert total.counts["submitted"] == 5 and total.counts["return_decisions"] == 7
    assert belgium.counts["withdrawn"] == 0  # zero is published
    # Reply times over three replies, issuance over three documents: too few cases.
    assert total.reply_days_median is None and total.reply_days_p90 is None
    assert {"reply_days_median", "reply_days_p90", "issuance_days_median"} <= total.withheld
    for score in scorecard(Q1).countries.values():
        counted = scorecard(Q1, minimum=1).countries[score.country]
        every = {"": counted.total, **counted.by_member_state}
        for (row, name), value in _worked_out(score).items():
            if name in COUNTS:
                assert not 0 < value < 5, (score.country, row, name, value)
                assert value == every[row].counts[name]


def test_medians_over_enough_cases_and_national_figures_are_shown(world, settings):
    settings.SUPPRESSION_THRESHOLD = 3
    total = scorecard(Q1).countries["PK"].total
    assert (total.reply_days_median, total.reply_days_p90) == (28.0, 44)  # three replies
    assert total.issuance_days_median == 7.0
    settings.SUPPRESSION_THRESHOLD = 5
    national = scorecard(Q1, "BE").countries["PK"].total
    assert national.counts["submitted"] == 1 and not national.withheld  # stays in Belgium
