"""The yardstick: a bare Flask + Flask-SQLAlchemy page that runs one SQLite query.

It is what "as fast as this stack gets on this machine" means for a page that
touches the database and renders a template. The harness serves it with the
same gunicorn settings as the LMS, in the same run, and quotes our pages as a
ratio to it, so machine noise cancels out.

``BENCH_BASELINE_DB`` names the SQLite file (``BENCH_BASELINE_URL``, a database URL,
replaces it). Create it once before serving (``python -m bench.baseline_app init``) so
workers never race to make the table.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

HERE = Path(__file__).resolve().parent


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Item(db.Model):
    """A small table: ten rows, one fetched per request by primary key."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(500))


def create_app() -> Flask:
    app = Flask(__name__, template_folder=str(HERE / "templates"))
    path = os.environ.get("BENCH_BASELINE_DB", str(HERE / "results" / "baseline.sqlite3"))
    # BENCH_BASELINE_URL puts the yardstick on another database (bench/rush.py --db
    # postgresql: the same PostgreSQL the LMS runs on), with Flask-SQLAlchemy's defaults.
    app.config["SQLALCHEMY_DATABASE_URI"] = (
        os.environ.get("BENCH_BASELINE_URL") or f"sqlite:///{path}"
    )
    db.init_app(app)

    @app.get("/")
    def page():
        item = db.session.execute(select(Item).where(Item.id == 1)).scalar_one()
        return render_template("baseline.html", item=item)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app


def init_db(app: Flask) -> None:
    """Create the table and its rows (idempotent)."""
    with app.app_context():
        db.create_all()
        if db.session.get(Item, 1) is None:
            db.session.add_all(
                Item(
                    id=n, name=f"Item {n}", description=f"A row for the baseline page, number {n}."
                )
                for n in range(1, 11)
            )
            db.session.commit()


app = create_app()

if __name__ == "__main__" and sys.argv[1:] == ["init"]:
    init_db(app)
