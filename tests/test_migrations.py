"""The schema comes from the Alembic revisions alone, and they give exactly what the models
declare (no drift), on SQLite and on PostgreSQL; downgrade to base and back works."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from lms import create_app  # init_app puts every area's models on db.metadata
from lms.extensions import db
from lms.migrations_runner import alembic_config, upgrade
from tests.conftest import PG_URL
from tests.conftest import test_config as lms_test_config

VERSION_TABLE = "lms_alembic_version"


def include_object(obj, name, type_, reflected, compare_to):
    """What ``migrations/env.py`` compares: the LMS's own tables, not its version table."""
    if type_ == "table":
        return name.startswith("lms_") and name != VERSION_TABLE
    return True


def schema_drift(connection, metadata: sa.MetaData | None = None) -> list:
    """Every difference autogenerate would write into a new revision (types included)."""
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "include_object": include_object,
            "version_table": VERSION_TABLE,
        },
    )
    return compare_metadata(context, metadata if metadata is not None else db.metadata)


def constraint_names(connection) -> dict[str, set[str]]:
    """Named constraints per table as the database has them (the naming convention's work)."""
    inspector = sa.inspect(connection)
    names: dict[str, set[str]] = {}
    for table in inspector.get_table_names():
        if table == VERSION_TABLE:
            continue
        found = {inspector.get_pk_constraint(table)["name"]}
        found |= {c["name"] for c in inspector.get_check_constraints(table)}
        found |= {c["name"] for c in inspector.get_unique_constraints(table)}
        found |= {c["name"] for c in inspector.get_foreign_keys(table)}
        found |= {c["name"] for c in inspector.get_indexes(table)}
        # SQLite reports each UNIQUE constraint again as an automatic index.
        names[table] = {n for n in found if n and not n.startswith("sqlite_autoindex")}
    return names


def declared_constraint_names() -> dict[str, set[str]]:
    names = {}
    for table in db.metadata.sorted_tables:
        found = {c.name for c in table.constraints} | {i.name for i in table.indexes}
        names[table.name] = {str(n) for n in found if n}
    return names


def current_revision(connection) -> str | None:
    return MigrationContext.configure(
        connection, opts={"version_table": VERSION_TABLE}
    ).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migrated_database_matches_the_models(app):
    """The suite's own database (SQLite or PostgreSQL), made by the revisions."""
    with db.engine.connect() as connection:
        assert schema_drift(connection) == []
        assert constraint_names(connection) == declared_constraint_names()
        assert current_revision(connection) == head_revision()


def test_only_lms_tables_and_the_lms_version_table_exist(app):
    with db.engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
    assert VERSION_TABLE in tables
    assert "alembic_version" not in tables  # a host's own Alembic keeps its table
    assert all(name.startswith("lms_") for name in tables), tables
    assert tables == {t.name for t in db.metadata.sorted_tables} | {VERSION_TABLE}


@pytest.fixture
def fresh_database(request, tmp_path):
    """An empty database of the given kind, removed afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    schema = f"lms_fresh_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.mark.slow
@pytest.mark.parametrize("fresh_database", BACKENDS, indirect=True)
def test_empty_database_upgrades_without_drift_and_downgrades_to_base(fresh_database):
    app = create_app(lms_test_config(SQLALCHEMY_DATABASE_URI=fresh_database))
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                assert sa.inspect(connection).get_table_names() == []

            upgrade()
            with db.engine.connect() as connection:
                assert current_revision(connection) == head_revision()
                assert schema_drift(connection) == []
                assert constraint_names(connection) == declared_constraint_names()

            command.downgrade(alembic_config(), "base")
            with db.engine.connect() as connection:
                assert current_revision(connection) is None
                assert set(sa.inspect(connection).get_table_names()) <= {VERSION_TABLE}

            upgrade()
            with db.engine.connect() as connection:
                assert current_revision(connection) == head_revision()
                assert schema_drift(connection) == []
        finally:
            db.session.remove()
            db.engine.dispose()


def test_drift_check_notices_a_model_the_revisions_lack(app):
    """The check itself works: a column no revision made is reported."""
    metadata = sa.MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.sorted_tables:
        table.to_metadata(metadata)
    metadata.tables["lms_outbox"].append_column(sa.Column("not_migrated", sa.Integer))
    with db.engine.connect() as connection:
        diffs = schema_drift(connection, metadata)
    assert [(d[0], d[3].name) for d in diffs] == [("add_column", "not_migrated")]
