"""Alembic environment for the LMS's own tables.

It takes the engine and metadata from the current Flask app, keeps its version
in ``lms_alembic_version`` and only looks at ``lms_*`` tables, so it lives
beside a host app's own migrations without touching them.
"""

from alembic import context
from flask import current_app

# Every area's models are on db.metadata once LMS.init_app has run (each area imports
# its models in init_area), and Flask-Migrate runs this inside that app.
from lms.extensions import db

VERSION_TABLE = "lms_alembic_version"


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table":
        return name.startswith("lms_") and name != VERSION_TABLE
    return True


def process_revision_directives(context_, revision, directives):
    """Write no empty revision when autogenerate finds no change."""
    cmd_opts = getattr(context.config, "cmd_opts", None)
    if getattr(cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []


def configure_args():
    return {
        "target_metadata": db.metadata,
        "version_table": VERSION_TABLE,
        "include_object": include_object,
        "render_as_batch": True,  # SQLite needs batch mode to alter tables
        "compare_type": True,
        "process_revision_directives": process_revision_directives,
    }


def run_migrations_offline():
    context.configure(url=str(db.engine.url), literal_binds=True, **configure_args())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    with current_app.app_context(), db.engine.connect() as connection:
        context.configure(connection=connection, **configure_args())
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
