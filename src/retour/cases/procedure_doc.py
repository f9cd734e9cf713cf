"""The procedure table rendered as Markdown, for docs/procedure.md (kept in sync by a test)."""

from __future__ import annotations

from django.utils import translation

from retour.cases.procedure import transitions
from retour.cases.stages import Stage


def procedure_markdown() -> str:
    """The document, in English whatever the language of the request (it is kept in the
    repository)."""
    with translation.override(None):
        return _markdown()


def _markdown() -> str:
    lines = [
        "# The return procedure",
        "",
        "Generated from `src/retour/cases/procedure.py` by `retour procedure`; do not edit.",
        "",
        "## Stages",
        "",
        *[f"- `{stage.value}`: {stage.label}" for stage in Stage],
        "",
        "## Transitions",
        "",
        "| action | from | to | who | guards |",
        "|---|---|---|---|---|",
    ]
    for t in transitions():
        sources = ", ".join(f"`{s}`" for s in Stage if s in t.sources)
        target = f"`{t.target}`" if t.target else (t.target_note or "same stage")
        who = f"`{t.capability}`" if t.capability else "the system"
        checks = "<br>".join(
            (g.__doc__ or g.__name__).strip().splitlines()[0] for g in t.guards
        ) or "–"
        lines.append(f"| `{t.action}` ({t.label}) | {sources} | {target} | {who} | {checks} |")
    return "\n".join(lines) + "\n"
