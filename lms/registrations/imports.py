"""Bulk enrolment from a CSV keyed on e-mail: every row is checked first, and nothing is
imported when any row is wrong. Running the same file twice adds nobody twice."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.events.services import CapacityWarning
from lms.extensions import db
from lms.registrations import log_notes, notify
from lms.registrations.locking import lock_offering
from lms.registrations.manage import attendance_can_be_recorded
from lms.registrations.models import Registration
from lms.registrations.seats import next_rank, seat_counts
from lms.registrations.services import RegistrationError, can_manage, transition
from lms.registrations.statuses import ACTIVE
from lms.timeutil import utcnow

IMPORT_STATUSES = ("confirmed", "waitlisted", "attended", "no_show")
EMAIL_HEADERS = ("email", "e-mail", "e-post", "epost", "e-mail address", "e-postadresse")
MAX_ROWS = 5000


@dataclass
class ImportResult:
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)
    added: int = 0
    unchanged: int = 0


def _read(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegistrationError("encoding") from None
    if "\x00" in text:  # no text file holds one (and PostgreSQL refuses it in a query)
        raise RegistrationError("not_csv")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text), dialect))
    except csv.Error:
        raise RegistrationError("not_csv") from None


def _mistimed(offering, status: str, now):
    """Why ``status`` cannot be recorded now, or None: places are for an offering that has
    not ended, attendance from its first day on."""
    if status in ("attended", "no_show"):
        if not attendance_can_be_recorded(offering, now):  # the rule check-in follows
            return _l("Attendance can be recorded from the day the offering starts.")
    elif offering.ends_at is not None and offering.ends_at <= now:
        return _l("The offering is over: record “attended” or “no_show” instead.")
    return None


@dataclass(frozen=True)
class ImportRow:
    """One filled-in row of the file: its number as a spreadsheet shows it, the e-mail
    address (lower case, may be empty) and the status (``confirmed`` when empty)."""

    number: int
    email: str
    status: str


def enrol_from_csv(actor, offering_id: int, content: bytes, *, allow_over_capacity=False):
    """Check every row, then enrol everyone or no one. Returns an ``ImportResult``.

    Columns: ``email`` (required) and ``status`` (confirmed, waitlisted, attended or
    no_show; confirmed when empty). Rows are numbered as a spreadsheet shows them
    (the header is row 1). Raises ``RegistrationError`` for a file that is not UTF-8 CSV,
    and ``CapacityWarning`` when the file would fill more places than there are.

    Three steps: parse (the rows of the file, each checked on its own), resolve (the
    people they name and what each already holds), apply (write, under the offering's lock).
    """
    offering = lock_offering(offering_id)
    if offering is None or not can_manage(actor, offering):
        raise RegistrationError("not_found")
    table = _read(content)
    result = ImportResult()
    if offering.status in ("cancelled", "archived"):
        result.errors.append((1, _l("The offering is cancelled or archived: nobody can join it.")))
        return result
    rows, problem = _parse_rows(table)
    if problem is not None:
        result.errors.append((1, problem))
        return result
    wanted = _check_rows(offering, rows, utcnow(), result.errors)
    users = _find_people(wanted, result.errors)
    if result.errors:
        result.errors.sort(key=lambda error: error[0])
        return result
    to_add, result.unchanged = _plan_changes(offering, wanted, users)
    _check_capacity(offering, to_add, allow_over_capacity)
    result.added = _apply_changes(actor, offering, to_add)
    return result


def _parse_rows(table: list[list[str]]) -> tuple[list[ImportRow], str | None]:
    """The filled-in rows under the header, or a reason (for row 1) why the file as a whole
    cannot be read: empty, no e-mail column, too many rows."""
    if not table or not any(cell.strip() for cell in table[0]):
        return [], _l("The file is empty.")
    header = [cell.strip().lower() for cell in table[0]]
    email_col = next((i for i, name in enumerate(header) if name in EMAIL_HEADERS), None)
    status_col = header.index("status") if "status" in header else None
    if email_col is None:
        return [], _l("The first row must name an “email” column.")
    if len(table) - 1 > MAX_ROWS:
        return [], _l("At most %(n)s rows at a time.", n=MAX_ROWS)
    rows = []
    for number, row in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        email = row[email_col].strip().lower() if email_col < len(row) else ""
        status = ""
        if status_col is not None and status_col < len(row):
            status = row[status_col].strip().lower()
        rows.append(ImportRow(number, email, status or "confirmed"))
    return rows, None


def _check_rows(offering, rows: list[ImportRow], now, errors: list) -> list[ImportRow]:
    """The rows that may be imported, once each; a row-numbered error for every row that
    has no address, an unknown or mistimed status, or an address already given above."""
    wanted: list[ImportRow] = []
    seen: dict[str, int] = {}
    for row in rows:
        if not row.email:
            errors.append((row.number, _l("The e-mail address is missing.")))
            continue
        if row.status not in IMPORT_STATUSES:
            errors.append((row.number, _l("Unknown status “%(status)s”.", status=row.status[:40])))
        elif (mistimed := _mistimed(offering, row.status, now)) is not None:
            errors.append((row.number, mistimed))
        if row.email in seen:
            errors.append(
                (
                    row.number,
                    _l("%(email)s is also in row %(row)s.", email=row.email, row=seen[row.email]),
                )
            )
            continue
        seen[row.email] = row.number
        wanted.append(row)
    return wanted


def _find_people(wanted: list[ImportRow], errors: list) -> dict[str, User]:
    """The accounts the rows name, by lower-case e-mail (one query); an error for each
    address nobody has."""
    if not wanted:
        return {}
    emails = [row.email for row in wanted]
    users = {
        user.email.lower(): user
        for user in db.session.scalars(select(User).where(func.lower(User.email).in_(emails)))
    }
    for row in wanted:
        if row.email not in users:
            errors.append(
                (row.number, _l("Nobody has the e-mail address %(email)s.", email=row.email))
            )
    return users


def _plan_changes(offering, wanted: list[ImportRow], users: dict[str, User]):
    """``(to_add, unchanged)``: (user, their earlier registration or None, status) for
    everyone who does not already hold an active registration, and how many do."""
    existing = {
        r.user_id: r
        for r in db.session.scalars(
            select(Registration).where(
                Registration.offering_id == offering.id,
                Registration.user_id.in_([u.id for u in users.values()]),
            )
        )
    }
    to_add, unchanged = [], 0
    for row in wanted:
        user = users[row.email]
        registration = existing.get(user.id)
        if registration is not None and registration.status in ACTIVE:
            unchanged += 1
        else:
            to_add.append((user, registration, row.status))
    return to_add, unchanged


def _check_capacity(offering, to_add: list, allow_over_capacity: bool) -> None:
    """Raise ``CapacityWarning`` when the places the file gives would pass the capacity."""
    holds = sum(1 for _u, _r, status in to_add if status != "waitlisted")
    held = seat_counts(offering).held
    if holds and held + holds > offering.capacity and not allow_over_capacity:
        raise CapacityWarning(held + holds, offering.capacity)


def _apply_changes(actor, offering, to_add: list) -> int:
    """Write each planned registration (logged, mailed); returns how many."""
    for user, registration, status in to_add:
        rank = next_rank(offering.id) if status == "waitlisted" else None
        if registration is None:
            registration = Registration(offering_id=offering.id, user_id=user.id, status=None)
        registration.waitlist_rank = rank
        transition(registration, status, actor=actor, note=log_notes.IMPORTED)
        db.session.add(registration)
        db.session.flush()
        notify.registration_changed(registration)
    return len(to_add)
