"""The outgoing-mail viewer's list: newest first, searched by recipient and filtered by
kind and status (a GET form; anything unknown reads as "no filter")."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms.core.folding import folded, like_pattern
from lms.mail.models import STATUSES, OutboxMessage


@dataclass(frozen=True)
class MailFilters:
    to: str = ""  # part of the recipient's address, any case
    kind: str = ""
    status: str = ""

    @classmethod
    def from_args(cls, args, kinds) -> MailFilters:
        """``kinds``: the mail kinds the areas declared (only those are filters)."""
        kind = args.get("kind", "")
        status = args.get("status", "")
        return cls(
            to=args.get("to", "").strip()[:254],
            kind=kind if kind in kinds else "",
            status=status if status in STATUSES else "",
        )

    def as_args(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


def outbox_statement(filters: MailFilters):
    """The outbox rows that pass ``filters``, newest first."""
    statement = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if filters.to:
        statement = statement.where(
            folded(OutboxMessage.to_address).like(like_pattern(filters.to.lower()), escape="\\")
        )
    if filters.kind:
        statement = statement.where(OutboxMessage.kind == filters.kind)
    if filters.status:
        statement = statement.where(OutboxMessage.status == filters.status)
    return statement
