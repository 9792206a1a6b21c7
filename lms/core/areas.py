"""How an area plugs into the LMS: what it brings, declared in one place per area.

Every area package has an ``area.py`` with ``init_area(app, lms)``. ``LMS.init_app`` calls
them in the order of ``lms.mount.AREAS`` (lowest layer first), and each one tells the
LMS, through the ``LMSState`` it is given, what it brings: blueprints (with their URL
prefix under ``LMS_URL_PREFIX``), background tasks and periodic tasks, mail attachment
builders and the mail kinds it sends (with what they attach), CLI commands, and the
signal receivers it connects. No central module names
another area's tasks, templates or attachment builders; importing an area's models in
its ``init_area`` puts its tables on ``db.metadata`` (for Alembic).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import click
from flask import Blueprint

# A mail attachment builder gets a message's resolved context and returns
# (file name, content type, bytes).
AttachmentBuilder = Callable[[dict[str, Any]], tuple[str, str, bytes]]


@dataclass(frozen=True)
class PeriodicTask:
    """A task the worker runs on a schedule (``crontab`` fields, as huey takes them)."""

    name: str
    function: Callable[[], Any]
    schedule: dict[str, str]


@dataclass
class LMSState:
    """What the LMS keeps per app, in ``app.extensions["lms"]``, and what the areas add."""

    url_prefix: str
    standalone: bool
    huey: Any = None
    blueprints: list[str] = field(default_factory=list)
    mounts: list[tuple[Blueprint, str]] = field(default_factory=list)
    tasks: dict[str, Callable[..., Any]] = field(default_factory=dict)
    periodic_tasks: list[PeriodicTask] = field(default_factory=list)
    mail_attachments: dict[str, AttachmentBuilder] = field(default_factory=dict)
    mail_kinds: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cli_commands: list[click.Command] = field(default_factory=list)
    # Where a person lands after logging in: the core home page until an area declares its
    # own (set_home). An endpoint name, so accounts need not import the area that has it.
    home_endpoint: str = "lms_core.home"

    def add_blueprint(self, blueprint: Blueprint, url_prefix: str = "") -> None:
        """Mount ``blueprint`` at ``url_prefix`` below ``LMS_URL_PREFIX``."""
        self.mounts.append((blueprint, url_prefix))

    def set_home(self, endpoint: str) -> None:
        """Send people to ``endpoint`` after they log in (a personal home page)."""
        self.home_endpoint = endpoint

    def add_task(self, name: str, function: Callable[..., Any]) -> None:
        """A background task the worker runs in an app context (``core.queue.enqueue``).
        The function owns its transaction: it commits what it changed."""
        if name in self.tasks:
            raise RuntimeError(f"two areas declare the task {name!r}")
        self.tasks[name] = function

    def add_periodic_task(self, name: str, function: Callable[[], Any], **schedule: str) -> None:
        """A task run on a ``crontab`` schedule, e.g. ``minute="*/5"``."""
        self.add_task(name, function)
        self.periodic_tasks.append(PeriodicTask(name, function, schedule))

    def add_mail_attachment(self, name: str, builder: AttachmentBuilder) -> None:
        """What ``queue_mail(..., attach=(name,))`` attaches, built when the mail renders."""
        if name in self.mail_attachments:
            raise RuntimeError(f"two areas declare the mail attachment {name!r}")
        self.mail_attachments[name] = builder

    def add_mail_kind(self, kind: str, *, attachments: tuple[str, ...] = ()) -> None:
        """A mail the area sends (``templates/lms/mail/<kind>.txt`` and ``.html``), with the
        attachments it may carry; ``queue_mail`` refuses a kind or attachment not declared,
        in the request that queues it rather than later in the worker."""
        if kind in self.mail_kinds:
            raise RuntimeError(f"two areas declare the mail kind {kind!r}")
        self.mail_kinds[kind] = tuple(attachments)

    def add_cli_command(self, command: click.Command) -> None:
        """A ``flask lms <name>`` command."""
        self.cli_commands.append(command)
