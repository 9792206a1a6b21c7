"""A quiz's results as a table of item rows (pure): one row per answer, the rows the
outcome report is computed from, written as CSV or XLSX by the shared writers
(``lms/registrations/exports.py``).

One row per answer rather than per attempt: an attempt's totals are the sum of its rows
(and are on the results page), while the item rows cannot be rebuilt from totals.
Numbers stay numbers (score, maximum, seconds), dates are dates in the LMS time zone,
"right" is 1 or 0 (empty while an answer waits for grading).
"""

from __future__ import annotations

from functools import lru_cache

from flask_babel import gettext as _

from lms.learning.answer_text import response_text
from lms.registrations.exports import local_time, write_csv, write_xlsx


def headings() -> list[str]:
    """The export's column headings, in the reader's language."""
    return [
        _("Learner"),
        _("E-mail"),
        _("Attempt"),
        _("Purpose"),
        _("Started"),
        _("Finished"),
        _("Question"),
        _("Version"),
        _("Tags"),
        _("Response"),
        _("Score"),
        _("Max"),
        _("Right"),
        _("Seconds"),
    ]


WIDTHS = (28, 32, 9, 12, 18, 18, 14, 9, 36, 40, 9, 9, 8, 10)


def item_rows(records, versions) -> list[list]:
    """One typed row per answer, from ``results.export_records``."""
    table = []
    local = lru_cache(maxsize=None)(local_time)  # an attempt's dates recur on each answer
    for row in records:
        key, version = versions[row.question_version_id]
        table.append(
            [
                row.name,
                row.email,
                row.number,
                row.purpose,
                local(row.started_at),
                local(row.finished_at),
                key,
                version.number,
                " ".join(row.tags or []),
                response_text(version.kind, version.spec or {}, row.response),
                row.score,
                row.max_score,
                None if row.right is None else int(row.right),
                row.seconds_spent,
            ]
        )
    return table


def to_csv(records, versions, separator: str) -> bytes:
    """The item rows as CSV (UTF-8 with BOM)."""
    return write_csv(headings(), item_rows(records, versions), separator)


def to_xlsx(records, versions, title: str) -> bytes:
    """The item rows as one XLSX sheet."""
    return write_xlsx(
        headings(),
        item_rows(records, versions),
        sheet_title=_("Results"),
        title=title,
        widths=WIDTHS,
    )
