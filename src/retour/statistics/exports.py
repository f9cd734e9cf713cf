"""The EIL return tables as files for Eurostat: CSV, XLSX (one sheet per table) and SDMX-ML 2.1
structure-specific data (one data set per table, written by ``sdmx1``).

The tables passed in are already suppressed (``suppression.suppress``): a withheld cell is
written as ':' with the flag 'c', in SDMX as a missing value (NaN) with ``OBS_FLAG`` 'c'.

The SDMX key: ``DATASET`` (the table's code), ``FREQ`` (Q), ``GEO``, one dimension per
breakdown (``TOTAL`` where the cell is not of that breakdown), ``UNIT`` (PER, persons) and
``TIME_PERIOD`` (2026-Q1). A single structure serves both tables, so that one message carries
them; its identifiers mimic Eurostat's but are not Eurostat's published structure.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import sdmx
from openpyxl import Workbook
from sdmx.model import common, v21

from retour import spreadsheet
from retour.statistics.eirt import SPECS, TOTAL, Table

CSV_COLUMNS = ("table", "member_state", "period", "breakdown", "value", "count", "flag")
SHEET_COLUMNS = CSV_COLUMNS[1:]
# The SDMX dimension of each breakdown.
SDMX_DIMENSIONS = {
    "citizenship": "CITIZEN",
    "sex": "SEX",
    "age": "AGE",
    "unaccompanied_minor": "UNACC_MINOR",
    "return_type": "RETURN_TYPE",
    "assistance": "ASSISTANCE",
    "destination": "C_DEST",
}
SDMX_TOTAL = "TOTAL"
FLAG = "OBS_FLAG"
_BREAKDOWNS = tuple(dict.fromkeys(name for spec in SPECS for name in spec.breakdowns))


def _rows(table: Table) -> list[tuple[str, ...]]:
    return [
        (table.member_state, table.period, cell.breakdown, cell.value, cell.shown, cell.flag)
        for cell in table.cells
    ]


def to_csv(tables: Sequence[Table]) -> str:
    out = io.StringIO()
    writer = spreadsheet.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for table in tables:
        writer.writerows((table.code, *row) for row in _rows(table))
    return out.getvalue()


def to_xlsx(tables: Sequence[Table]) -> bytes:
    book = Workbook()
    assert book.active is not None  # a new workbook has one sheet
    book.remove(book.active)
    for table in tables:
        # One sheet per table; the member states of an export follow each other on it.
        if table.code not in book.sheetnames:
            book.create_sheet(table.code).append(SHEET_COLUMNS)
        sheet = book[table.code]
        for row in _rows(table):
            shown = row[4]
            sheet.append([*row[:4], int(shown) if shown.isdigit() else shown, row[5]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def structure() -> v21.DataStructureDefinition:
    """The data structure of the SDMX export (a reader needs it to parse the message)."""
    dsd = v21.DataStructureDefinition(id="RETOUR_EIL_RETURN")
    names = ("DATASET", "FREQ", "GEO", *(SDMX_DIMENSIONS[b] for b in _BREAKDOWNS), "UNIT")
    for order, name in enumerate((*names, "TIME_PERIOD")):
        dsd.dimensions.getdefault(name, order=order)
    dsd.measures.getdefault("OBS_VALUE")
    dsd.attributes.getdefault(FLAG)
    return dsd


def _time_period(period: str) -> str:
    return period.replace("Q", "-Q")


def to_sdmx(tables: Sequence[Table]) -> bytes:
    dsd = structure()
    measure = dsd.measures[0]
    flag = dsd.attributes.get(FLAG)
    data = []
    for table in tables:
        dataset = v21.StructureSpecificDataSet(structured_by=dsd)
        observations = []
        for cell in table.cells:
            key = {
                "DATASET": table.code,
                "FREQ": "Q",
                "GEO": table.member_state,
                **{dimension: SDMX_TOTAL for dimension in SDMX_DIMENSIONS.values()},
                "UNIT": "PER",
                "TIME_PERIOD": _time_period(table.period),
            }
            if cell.breakdown != TOTAL:
                key[SDMX_DIMENSIONS[cell.breakdown]] = cell.value
            observation = v21.Observation(
                dimension=dsd.make_key(common.Key, key),
                value=math.nan if cell.suppressed else cell.count,
                value_for=measure,
            )
            if cell.suppressed:
                observation.attached_attribute[FLAG] = common.AttributeValue(
                    value=cell.flag, value_for=flag
                )
            observations.append(observation)
        dataset.add_obs(observations)
        data.append(dataset)
    message = sdmx.message.DataMessage(data=data)
    message.header.id = "RETOUR_EIL_RETURN"
    return bytes(sdmx.to_xml(message, pretty_print=True))
