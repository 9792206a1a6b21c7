"""The participant list as CSV (UTF-8 with BOM, so spreadsheets keep æ, ø and å) and XLSX
(numbers as numbers, dates as real dates in the LMS time zone).

``write_csv`` and ``write_xlsx`` are the writers of every table download (headings and
typed rows in, bytes out; the learning area's results use them too); ``to_csv`` and
``to_xlsx`` are the participant list's.

The columns are ``columns.COLUMNS``, which the import reads back. A CSV is
comma-separated or semicolon-separated: Excel set to Norwegian (where the comma is the
decimal sign) splits a file into columns only at semicolons, so the organiser picks, and
a Norwegian page offers the semicolon first (``csv_separator``)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from lms.registrations.columns import headings
from lms.registrations.forms import ORGANISATION_TYPE_LABELS, STATUS_LABELS

# The whole header value: given as ``content_type``, not ``mimetype`` (to which Flask
# would add a second charset).
CSV_TYPE = "text/csv; charset=utf-8"
# The separators a CSV download may use, by the name in its address.
SEPARATORS = {"semicolon": ";", "comma": ","}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def local_time(value: datetime | None) -> datetime | None:
    """A naive local time (spreadsheets have no zones), or None."""
    if value is None:
        return None
    zone = ZoneInfo(current_app.config["LMS_TIMEZONE"])
    return value.astimezone(zone).replace(tzinfo=None, microsecond=0)


def csv_separator(language: str) -> str:
    """The separator a download uses when none is asked for: the one the reader's
    spreadsheet expects (Norwegian Excel: semicolon)."""
    return "comma" if language == "en" else "semicolon"


def rows(participants) -> list[list]:
    """One list per (registration, position): typed values, not text."""
    result = []
    for registration, position in participants:
        user, answers = registration.user, registration.answers or {}
        organisation_type = answers.get("organisation_type", "")
        result.append(
            [
                user.name,
                user.email,
                user.organisation or "",
                str(STATUS_LABELS.get(registration.status, registration.status)),
                position,
                local_time(registration.created_at),
                str(ORGANISATION_TYPE_LABELS.get(organisation_type, organisation_type)),
                answers.get("dietary", ""),
                answers.get("accessibility", ""),
            ]
        )
    return result


def _safe_cell(value):
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


# Control characters XML 1.0 cannot hold (openpyxl refuses them). A name or an answer may
# carry one, pasted from another program; the spreadsheet gets the text without it.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(value):
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


def _csv_cell(value, decimal: str):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, float):
        text = repr(value)
        return (text[:-2] if text.endswith(".0") else text).replace(".", decimal)
    return _safe_cell(value)


def write_csv(heading: list, table, separator: str = "comma") -> bytes:
    """``heading`` and the typed rows of ``table`` as CSV text with a BOM, separated by
    ``SEPARATORS[separator]``: dates as ``YYYY-MM-DD HH:MM``, None as an empty cell, and
    decimals with the decimal sign the separator implies (a semicolon file is for a
    spreadsheet where the comma is the decimal sign: ``2,5``)."""
    decimal = "," if separator == "semicolon" else "."
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=SEPARATORS[separator])
    writer.writerow([str(h) for h in heading])
    for row in table:
        writer.writerow([_csv_cell(v, decimal) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(
    heading: list, table, *, sheet_title: str, title: str, widths: tuple[int, ...] = ()
) -> bytes:
    """``heading`` (bold, frozen) and the rows of ``table`` as a workbook of one sheet:
    numbers stay numbers, and every ``datetime`` cell is a date formatted
    ``yyyy-mm-dd hh:mm``. ``widths`` are the columns' widths, from the first.

    Written in openpyxl's write-only mode: rows are streamed out rather than kept as a
    grid of cell objects, which halves the time of a results export of 25,000 rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(sheet_title)[:31])
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in heading:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table:
        cells = []
        for value in row:
            if isinstance(value, datetime):
                value = WriteOnlyCell(sheet, value=value)
                value.number_format = "yyyy-mm-dd hh:mm"
            else:
                value = _safe_cell(_xml_text(value))
            cells.append(value)
        sheet.append(cells)
    workbook.properties.title = title[:200]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(participants, separator: str = "comma") -> bytes:
    """The list as CSV text with a BOM, separated by ``SEPARATORS[separator]``."""
    return write_csv(headings(), rows(participants), separator)


def to_xlsx(participants, title: str) -> bytes:
    return write_xlsx(
        headings(),
        rows(participants),
        sheet_title=_("Participants"),
        title=title,
        widths=(30, 34, 30, 20, 12, 18, 22, 30, 40),
    )
