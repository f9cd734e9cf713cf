from pathlib import Path

from retour.cases.procedure_doc import procedure_markdown

DOC = Path(__file__).resolve().parents[4] / "docs" / "procedure.md"


def test_procedure_document_is_generated_from_the_table():
    assert DOC.read_text(encoding="utf-8") == procedure_markdown(), (
        "docs/procedure.md is out of date: run `retour procedure > docs/procedure.md`"
    )
