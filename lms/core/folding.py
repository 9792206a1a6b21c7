"""Case-insensitive text matching that reads the same on SQLite and PostgreSQL.

SQLite's own ``lower()`` folds ASCII letters only: ``lower('ÆØÅ')`` stays ``'ÆØÅ'``, so a
search for "miljø" would miss "MILJØ" (and ``LIKE`` is no better). ``folded(text)``
renders PostgreSQL's ``lower()`` (which folds every letter in a UTF-8 database), and on
SQLite a function of the same rule, ``lms_lower``, that every SQLite connection gets
(``register_sqlite_functions``, called where the connection's pragmas are set). Compare
a folded column with a value folded by ``str.lower``.
"""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class folded(FunctionElement):
    """SQL: ``text`` in lower case, every letter (æøå too) on both databases."""

    type = String()
    name = "lms_folded"
    inherit_cache = True


@compiles(folded)
def _folded_default(element, compiler, **kw) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _folded_sqlite(element, compiler, **kw) -> str:
    return f"lms_lower({compiler.process(element.clauses, **kw)})"


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def register_sqlite_functions(dbapi_connection) -> None:
    """Give a new SQLite connection ``lms_lower`` (deterministic, so usable anywhere)."""
    dbapi_connection.create_function("lms_lower", 1, _lower, deterministic=True)


def like_pattern(word: str) -> str:
    """``%word%`` for ``LIKE … ESCAPE '\\'``, the word's own ``%``, ``_`` and ``\\`` literal."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
