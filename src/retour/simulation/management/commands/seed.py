"""``retour seed``: add a synthetic caseload for demos and benchmarks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retour.cases.models import ReturnCase
from retour.cases.stages import Stage
from retour.cli import today_option
from retour.simulation.replay import ReplayError
from retour.simulation.seeding import SeedingRefused, SeedReport, seed


class Command(BaseCommand):
    help = (
        "Add synthetic persons and return cases, made through the same actions as real "
        "casework, with histories over the past two years. Each run ADDS cases (running it "
        "twice gives twice as many; the same --seed gives the same persons again). Needs the "
        "reference data: run `retour load_reference` first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=1000, help="how many cases (default 1000)")
        parser.add_argument("--seed", type=int, default=1,
                            help="random seed: the same seed gives the same caseload (default 1)")
        parser.add_argument("--today", type=today_option, default=None,
                            help="the simulated today, YYYY-MM-DD (default: today); histories "
                                 "end the day before")
        parser.add_argument("--if-empty", action="store_true",
                            help="seed only when there is no case yet (for `make demo`, which "
                                 "may run again)")
        parser.add_argument("--member-states", default="",
                            help="comma-separated member states (default: every member state "
                                 "with the authorities a case needs)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and ReturnCase.objects.exists():
            self.stdout.write("cases exist already: nothing seeded (--if-empty)")
            return
        member_states = [c.strip() for c in options["member_states"].split(",") if c.strip()]
        try:
            report = seed(cases=options["cases"], seed=options["seed"], today=options["today"],
                          member_states=member_states or None)
        except (SeedingRefused, ReplayError) as exc:
            raise CommandError(f"{exc} (nothing was seeded)") from None
        self.stdout.write(summary(report))


def summary(report: SeedReport) -> str:
    """Cases per member state and stage, outcomes of the closed ones, and the time taken."""
    states = sorted({state for state, _ in report.cases})
    width = max(len(s.value) for s in Stage)
    seconds = report.planning_seconds + report.replay_seconds
    lines = [
        f"seeded {report.case_count} cases of {report.person_count} persons in "
        f"{len(report.households)} households, {report.events} case events, in "
        f"{seconds:.1f} s ({report.case_count / seconds:.0f} cases/s)",
        "",
        f"{'stage':<{width}} " + " ".join(f"{s:>6}" for s in states) + f" {'total':>6}",
    ]
    for stage in Stage:
        counts = [report.cases[(state, stage.value)] for state in states]
        lines.append(f"{stage.value:<{width}} " + " ".join(f"{n:>6}" for n in counts)
                     + f" {sum(counts):>6}")
    totals = [sum(report.cases[(state, s.value)] for s in Stage) for state in states]
    lines.append(f"{'total':<{width}} " + " ".join(f"{n:>6}" for n in totals)
                 + f" {sum(totals):>6}")
    if report.registered_again:
        queued = sum(len(r.queued) for r in report.registered_again)
        lines += ["", f"registered a second time under another spelling: "
                      f"{len(report.registered_again)} persons; possible matches queued for "
                      f"review: {queued}"]
    if report.outcomes:
        closed = ", ".join(f"{outcome} {n}" for outcome, n in report.outcomes.most_common())
        lines += ["", f"closed cases by outcome: {closed}"]
    return "\n".join(lines)
