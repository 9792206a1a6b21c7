"""``flask lms import-courses`` and ``flask lms export-course``: course content as files."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.extensions import db
from lms.learning.course_export import export_course
from lms.learning.course_import import import_courses
from lms.learning.course_yaml import CourseTreeError, in_default_locale
from lms.learning.publishing import LearningError, NotPublishable
from lms.paths import COURSES_DIR


@click.command("import-courses")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=str))
@with_appcontext
def import_courses_command(path: str | None) -> None:
    """Create or update the modules of the course tree at PATH (default: courses/), or
    of the one module folder PATH is. Nothing is written if any file has a problem."""
    try:
        report = import_courses(path or COURSES_DIR)
    except CourseTreeError as error:
        db.session.rollback()
        for line in error.errors:
            click.echo(line, err=True)
        raise SystemExit(1) from None
    except NotPublishable as error:  # checked before; a fault here is the publisher's
        db.session.rollback()
        with in_default_locale():
            for where, message in error.faults:
                click.echo(f"{where}: {message}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    with in_default_locale():
        for module in report.modules:
            line = f"{module.slug}: {module.outcome}, {module.status}"
            if module.version is not None:
                line += f", version {module.version}" + (" (new)" if module.new_version else "")
            click.echo(line)
            for note in module.notes:
                click.echo(f"  {note}")


@click.command("export-course")
@click.argument("slug")
@click.option(
    "--to",
    "to_path",
    type=click.Path(file_okay=False, path_type=str),
    help="The folder to write <slug>/ in (default: courses/).",
)
@with_appcontext
def export_course_command(slug: str, to_path: str | None) -> None:
    """Write the module SLUG as course files into <to>/<slug>/."""
    try:
        report = export_course(slug, to_path or COURSES_DIR)
    except LearningError:
        raise click.ClickException(f"No module with the slug {slug}.") from None
    with in_default_locale():
        click.echo(f"Wrote {report.folder}")
        for note in report.notes:
            click.echo(f"  {note}")
