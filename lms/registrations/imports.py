"""Bulk enrolment from a CSV keyed on e-mail: every row is checked first, and nothing is
imported when any row is wrong. Running the same file twice adds nobody twice."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.extensions import db
from lms.registrations import log_notes, notify
from lms.registrations.columns import column_keys, status_reader
from lms.registrations.locking import lock_offering
from lms.registrations.manage import attendance_can_be_recorded
from lms.registrations.models import Registration
from lms.registrations.seats import next_rank, seat_counts
from lms.registrations.services import RegistrationError, can_manage, transition
from lms.registrations.statuses import ACTIVE, ENDED
from lms.timeutil import utcnow

# What each status in a file asks for. A file's statuses say what the person had (an
# export of another offering says "offered", "cancelled"...): a place, a place in line,
# attendance, approval still to give, or nothing (an ended registration is not imported).
WANTS_PLACE = ("confirmed",)
WANTS_LINE = ("offered", "waitlisted")  # in this order: an offer is the front of the line
RECORDED = ("attended", "no_show")
SKIPPED = ENDED
MAX_ROWS = 5000


@dataclass
class ImportResult:
    """What an import did (or, with ``errors``, why it did nothing)."""

    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)
    placed: int = 0  # given a place
    waitlisted: int = 0  # put in line (the offering was full)
    overflow: int = 0  # of those, how many the file marked for a place
    pending: int = 0  # awaiting approval, as in the file
    recorded: int = 0  # attended or not, after the start
    skipped: int = 0  # rows whose registration had ended (cancelled, expired, declined)
    unchanged: int = 0  # already registered here

    @property
    def added(self) -> int:
        return self.placed + self.waitlisted + self.pending + self.recorded

    def summary(self) -> str:
        """What the import did, in sentences: every count through ngettext."""
        parts = [ngettext("%(num)s got a place.", "%(num)s got a place.", self.placed)]
        if self.waitlisted:
            parts.append(
                ngettext(
                    "%(num)s is on the waiting list, as the offering is full.",
                    "%(num)s are on the waiting list, as the offering is full.",
                    self.waitlisted,
                )
            )
        if self.overflow:
            parts.append(
                ngettext(
                    "Of them, %(num)s was marked confirmed in the file: give a place by hand "
                    "if you want to go over the number of places.",
                    "Of them, %(num)s were marked confirmed in the file: give places by hand "
                    "if you want to go over the number of places.",
                    self.overflow,
                )
            )
        # Each call is written out: the catalogue's extractor reads only literal strings.
        if self.pending:
            parts.append(
                ngettext("%(num)s awaits approval.", "%(num)s await approval.", self.pending)
            )
        if self.recorded:
            parts.append(
                ngettext(
                    "%(num)s has attendance recorded.",
                    "%(num)s have attendance recorded.",
                    self.recorded,
                )
            )
        if self.skipped:
            parts.append(
                ngettext(
                    "%(num)s row was left out: that registration had ended.",
                    "%(num)s rows were left out: those registrations had ended.",
                    self.skipped,
                )
            )
        if self.unchanged:
            parts.append(
                ngettext(
                    "%(num)s was already registered.",
                    "%(num)s were already registered.",
                    self.unchanged,
                )
            )
        return " ".join(parts)


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
    if status in RECORDED:
        if not attendance_can_be_recorded(offering, now):  # the rule check-in follows
            return _l("Attendance can be recorded from the day the offering starts.")
    elif offering.ends_at is not None and offering.ends_at <= now:
        return _l("The offering is over: record “attended” or “no_show” instead.")
    return None


@dataclass(frozen=True)
class ImportRow:
    """One filled-in row of the file: its number as a spreadsheet shows it, the e-mail
    address (lower case, may be empty), the status it names (None when unknown) and the
    cell as written."""

    number: int
    email: str
    status: str | None
    written: str = ""


def enrol_from_csv(actor, offering_id: int, content: bytes, *, allow_over_capacity=False):
    """Check every row, then enrol everyone or no one. Returns an ``ImportResult``.

    Columns (the export's, in either language): an e-mail column (required) and a status
    column (confirmed when empty). Places are given while seats are free, first to those
    the file marks confirmed, then to those it puts in line (waitlisted, offered); only
    when the offering is full does anyone go on the waiting list, at its back in the
    file's order, and ``overflow`` says how many the file had marked for a place, unless
    ``allow_over_capacity`` gives those a place anyway. Attendance (attended, no_show)
    is recorded as it is, pending stays pending, and an ended registration (cancelled,
    expired, declined) is skipped. Rows are numbered as a spreadsheet shows them (the
    header is row 1). Raises ``RegistrationError`` for a file that is not UTF-8 CSV.

    Three steps: parse (the rows of the file, each checked on its own), resolve (the
    people they name and what each already holds), apply (write, under the offering's lock).
    """
    offering = lock_offering(offering_id)
    if offering is None or not can_manage(actor, offering):
        raise RegistrationError("not_found")
    table = _read(content)
    result = ImportResult()
    if not import_is_open(offering):
        result.errors.append((1, _l("The offering is cancelled or archived: nobody can join it.")))
        return result
    rows, problem = _parse_rows(table)
    if problem is not None:
        result.errors.append((1, problem))
        return result
    wanted = _check_rows(offering, rows, utcnow(), result)
    users = _find_people(wanted, result.errors)
    if result.errors:
        result.errors.sort(key=lambda error: error[0])
        return result
    to_add, result.unchanged = _plan_changes(offering, wanted, users)
    _apply_changes(actor, offering, _choose_statuses(offering, to_add, allow_over_capacity), result)
    return result


def import_is_open(offering) -> bool:
    """Whether people may be imported at all: not into a cancelled or archived offering."""
    return offering.status not in ("cancelled", "archived")


def _parse_rows(table: list[list[str]]) -> tuple[list[ImportRow], str | None]:
    """The filled-in rows under the header, or a reason (for row 1) why the file as a whole
    cannot be read: empty, no e-mail column, too many rows."""
    if not table or not any(cell.strip() for cell in table[0]):
        return [], _l("The file is empty.")
    keys = column_keys(table[0])
    email_col = keys.index("email") if "email" in keys else None
    status_col = keys.index("status") if "status" in keys else None
    if email_col is None:
        return [], _l("The first row must name an “email” column.")
    if len(table) - 1 > MAX_ROWS:
        return [], _l("At most %(n)s rows at a time.", n=MAX_ROWS)
    read_status = status_reader()
    rows = []
    for number, row in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        email = row[email_col].strip().lower() if email_col < len(row) else ""
        written = ""
        if status_col is not None and status_col < len(row):
            written = row[status_col].strip()
        rows.append(ImportRow(number, email, read_status(written), written))
    return rows, None


def _check_rows(offering, rows: list[ImportRow], now, result: ImportResult) -> list[ImportRow]:
    """The rows that may be imported, once each; a row-numbered error for every row that
    has no address, an unknown or mistimed status, or an address already given above.
    Rows whose registration had ended are counted in ``result.skipped``."""
    errors = result.errors
    wanted: list[ImportRow] = []
    seen: dict[str, int] = {}
    for row in rows:
        if not row.email:
            errors.append((row.number, _l("The e-mail address is missing.")))
            continue
        if row.status is None:
            errors.append((row.number, _l("Unknown status “%(status)s”.", status=row.written[:40])))
        elif row.status in SKIPPED:
            result.skipped += 1
            continue
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
    """``(to_add, unchanged)``: (user, their earlier registration or None, status asked
    for) for everyone who does not already hold an active registration, and how many do."""
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


def _choose_statuses(offering, to_add: list, allow_over_capacity: bool) -> list:
    """(user, registration, status to write, overflow) in the order to write them.

    The waiting list exists only when the offering is full: attendance is recorded first
    (the seats were used), then those marked confirmed take the free seats in the file's
    order, then those marked for the line, offered before waitlisted (who get a seat too
    while one is free and nobody already waits). The rest go to the back of the line in
    that order.
    """
    counts = seat_counts(offering)
    free = counts.seats_left
    nobody_waits = counts.waitlisted == 0
    chosen = []
    for user, registration, asked in to_add:
        if asked in RECORDED:
            chosen.append((user, registration, asked, False))
            free -= 1
    for user, registration, asked in to_add:
        if asked in WANTS_PLACE:
            if free > 0 or allow_over_capacity:
                chosen.append((user, registration, "confirmed", False))
                free -= 1
            else:
                chosen.append((user, registration, "waitlisted", True))
    # Those offered a seat were at the front of their line: they come before the rest.
    line = sorted(
        (entry for entry in to_add if entry[2] in WANTS_LINE),
        key=lambda entry: WANTS_LINE.index(entry[2]),
    )
    for user, registration, _asked in line:
        if free > 0 and nobody_waits:
            chosen.append((user, registration, "confirmed", False))
            free -= 1
        else:
            chosen.append((user, registration, "waitlisted", False))
    chosen.extend((u, r, "pending", False) for u, r, asked in to_add if asked == "pending")
    return chosen


def _apply_changes(actor, offering, chosen: list, result: ImportResult) -> None:
    """Write each planned registration (logged, mailed), counting them in ``result``."""
    for user, registration, status, overflow in chosen:
        rank = next_rank(offering.id) if status == "waitlisted" else None
        if registration is None:
            registration = Registration(offering_id=offering.id, user_id=user.id, status=None)
        registration.waitlist_rank = rank
        transition(registration, status, actor=actor, note=log_notes.IMPORTED)
        db.session.add(registration)
        db.session.flush()
        notify.registration_changed(registration)
        if status == "confirmed":
            result.placed += 1
        elif status == "waitlisted":
            result.waitlisted += 1
            result.overflow += overflow
        elif status == "pending":
            result.pending += 1
        else:
            result.recorded += 1
