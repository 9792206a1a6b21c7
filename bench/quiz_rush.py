"""Learners submitting quiz attempts at once, against the one-query baseline, in one run.

    .venv/bin/python bench/quiz_rush.py --db sqlite
    .venv/bin/python bench/quiz_rush.py --db postgresql [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432]

1. Builds a throwaway database (as ``bench/rush.py``) and seeds it directly: a published
   module whose graded quiz asks ``--questions`` single-choice questions, and
   ``--learners`` × ``--rounds`` (+ ``--warmup``) participants with an API token each.
2. Starts the LMS and the baseline under the same gunicorn settings.
3. Warms the LMS with ``--warmup`` other learners going through a whole attempt.
4. Each round: ``--learners`` learners start an attempt at once
   (``POST /api/v1/quizzes/<id>/attempts``), save all their answers at once
   (``PUT /api/v1/attempts/<id>/answers``), then — between two baseline runs — submit at
   once (``POST /api/v1/attempts/<id>/submit``: grading ``--questions`` answers and storing
   them item by item). Each phase's throughput is a ratio to the baseline around the submit;
   p50/p99 latencies are medians over the rounds.
5. Checks the database afterwards: one submitted attempt per learner, every answer graded.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import get, load, measured, percentile  # noqa: E402
from bench.rush_common import (  # noqa: E402
    RESULTS_DIR,
    analyze,
    ratios,
    run_main,
    save_report,
    stop_on_sigterm,
    throwaway_database,
)
from bench.servers import (  # noqa: E402
    Server,
    baseline_env,
    lms_env,
    migrate,
    prepare_baseline_database,
    serving,
)
from bench.targets import USER_AGENT  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432"),
    )
    parser.add_argument("--pg-database", default="lms_bench_quiz")
    parser.add_argument("-w", "--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--learners", type=int, default=50, help="at once, per round")
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument("--baseline-requests", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help=f"write {RESULTS_DIR}/quiz-<db>.json")
    return parser.parse_args(argv)


def seed(env: dict[str, str], args) -> tuple[int, list[str]]:
    """The module and its quiz, and the learners' raw tokens (warm-up ones first)."""
    os.environ.update(env)
    from lms import create_app
    from lms.accounts.models import ApiToken, User, hash_token
    from lms.accounts.passwords import hash_password
    from lms.extensions import db
    from lms.learning.models import Lesson, Module, Question, Quiz
    from lms.learning.publishing import publish, quiz_tag, set_question_content
    from lms.timeutil import utcnow

    app = create_app()
    with app.app_context():
        module = Module(slug="bench-module", title="Bench module", language="nb")
        module.lessons.append(Lesson(key="one", title="One", body_md="Text."))
        review = {"immediately": ["score", "answers", "right_answers", "feedback"]}
        quiz = Quiz(key="graded", title="Graded", purpose="graded", review=review)
        module.quizzes.append(quiz)
        db.session.add(module)
        for n in range(args.questions):
            question = Question(key=f"q{n}", tags=[quiz_tag(quiz), f"objective:B{n % 4}"])
            module.questions.append(question)
            options = [
                {"id": letter, "text": f"Option {letter} of {n}", "fraction": int(letter == "a")}
                for letter in "abcd"
            ]
            set_question_content(
                question, kind="single", text_md=f"Question {n}?", spec={"options": options}
            )
        db.session.flush()
        publish(None, module, check_permission=False)
        now = utcnow()
        password_hash = hash_password(secrets.token_urlsafe(12))
        people = args.warmup + args.learners * args.rounds
        users = [
            User(email=f"learner{n}@bench.lms", password_hash=password_hash,
                 name=f"Learner {n}", email_verified_at=now)
            for n in range(people)
        ]  # fmt: skip
        db.session.add_all(users)
        db.session.flush()
        raws = ["lms_" + secrets.token_urlsafe(32) for _ in users]
        db.session.add_all(
            ApiToken(user_id=u.id, name="bench", token_hash=hash_token(raw), prefix=raw[:10])
            for u, raw in zip(users, raws, strict=True)
        )
        db.session.commit()
        quiz_id = quiz.id
        db.engine.dispose()
    return quiz_id, raws


def _request(url: str, token: str, method: str, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else b""
    headers = {"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT}
    if body is not None:
        headers["Content-Type"] = "application/json"
    return urllib.request.Request(url, data=data, method=method, headers=headers)


def answers_for(attempt: dict) -> dict:
    """Every question answered: the first option shown (right about a quarter of the time,
    as options are shuffled)."""
    return {str(q["slot"]): q["learner_view"]["options"][0]["id"] for q in attempt["questions"]}


def _send(request) -> tuple[int, dict, float]:
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            code, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        code, body = error.code, error.read()
    return code, json.loads(body or b"{}"), (time.perf_counter() - began) * 1000


def start_all(lms: str, quiz_id: int, tokens: list[str], concurrency: int) -> tuple[dict, dict]:
    """Every learner starts an attempt, ``concurrency`` at a time; (token → attempt, the
    phase's figures). Kept apart from ``load`` because each attempt must stay paired with
    the token that owns it (the API answers 404 to anyone else)."""
    url = f"{lms}/api/v1/quizzes/{quiz_id}/attempts"
    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        answers = list(pool.map(_send, [_request(url, t, "POST") for t in tokens]))
    seconds = time.perf_counter() - began
    codes = {code for code, _body, _ms in answers}
    if codes != {201}:
        raise RuntimeError(f"starting answered {codes}: {answers[0][1]}")
    latencies = [ms for _code, _body, ms in answers]
    figures = {
        "requests": len(tokens),
        "requests_per_second": len(tokens) / seconds,
        "latency_p50_ms": percentile(latencies, 0.5),
        "latency_p99_ms": percentile(latencies, 0.99),
    }
    return {t: body for t, (_c, body, _ms) in zip(tokens, answers, strict=True)}, figures


def one_round(lms: str, quiz_id: int, tokens: list[str], concurrency: int, server=None) -> dict:
    """Start and save for ``tokens`` learners, each phase all at once; the submits to send."""
    attempts, started = start_all(lms, quiz_id, tokens, concurrency)
    saves = [
        _request(f"{lms}/api/v1/attempts/{a['attempt']['id']}/answers", token, "PUT",
                 {"revision": a["attempt"]["revision"], "answers": answers_for(a)})
        for token, a in attempts.items()
    ]  # fmt: skip
    saved = measured(server, saves, concurrency) if server else load(saves, concurrency)
    if saved["codes"] != {200: len(tokens)}:
        raise RuntimeError(f"saving answered {saved['codes']}")
    submits = [
        _request(f"{lms}/api/v1/attempts/{a['attempt']['id']}/submit", token, "POST")
        for token, a in attempts.items()
    ]
    return {"started": started, "saved": saved, "submits": submits}


def check_database(env: dict[str, str], quiz_id: int) -> dict:
    import sqlalchemy as sa

    engine = sa.create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        attempts = dict(
            connection.execute(
                sa.text(
                    "SELECT state, count(*) FROM lms_attempts WHERE quiz_id = :q GROUP BY state"
                ),
                {"q": quiz_id},
            ).all()
        )
        ungraded = connection.execute(
            sa.text(
                "SELECT count(*) FROM lms_answers a JOIN lms_attempts t ON t.id = a.attempt_id"
                " WHERE t.quiz_id = :q AND a.fraction IS NULL"
            ),
            {"q": quiz_id},
        ).scalar()
    engine.dispose()
    return {"attempts": attempts, "ungraded_answers": ungraded}


def run(args, workdir: Path, database_url: str) -> dict:
    env_lms = lms_env(workdir, secrets.token_hex(32))
    env_lms["DATABASE_URL"] = database_url
    env_base = baseline_env(workdir)
    migrate(env_lms)
    prepare_baseline_database(env_base)
    quiz_id, tokens = seed(env_lms, args)
    analyze(env_lms)
    servers = {
        "baseline": Server(
            "baseline", "bench.baseline_app:app", env_base, args.workers, workdir / "b.log"
        ),
        "lms": Server("lms", "wsgi:app", env_lms, args.workers, workdir / "lms.log"),
    }
    with serving(servers):
        lms, base = servers["lms"].base_url, servers["baseline"].base_url
        load([get(base + "/") for _ in range(200)], args.learners)
        warm = one_round(lms, quiz_id, tokens[: args.warmup], args.learners)
        load(warm["submits"], args.learners)
        rounds = []
        for n in range(args.rounds):
            first = args.warmup + n * args.learners
            batch = tokens[first : first + args.learners]
            phase = one_round(lms, quiz_id, batch, args.learners, servers["lms"])
            before = _baseline(servers["baseline"], args)
            submitted = measured(servers["lms"], phase["submits"], args.learners)
            after = _baseline(servers["baseline"], args)
            bodies = submitted.pop("bodies")
            if submitted["codes"] != {200: len(batch)} or any("score" not in b for b in bodies):
                raise RuntimeError(f"submitting answered {submitted['codes']}")
            rounds.append(
                {
                    "start": _summary(phase["started"], before, after),
                    "save": _summary(phase["saved"], before, after),
                    "submit": _summary(submitted, before, after),
                }
            )
        return {"rounds": rounds, "database": check_database(env_lms, quiz_id)}


def _baseline(server: Server, args) -> dict:
    result = measured(server, [get(server.base_url + "/") for _ in range(args.baseline_requests)],
                      args.learners)  # fmt: skip
    result.pop("bodies")
    return result


def _summary(result: dict, before: dict, after: dict) -> dict:
    result.pop("timeline", None)
    result.pop("bodies", None)
    return {**result, **ratios(result, before, after)}


def print_report(args, report: dict) -> bool:
    print(f"\n{args.learners} learners at once, {args.questions} questions, {args.rounds} "
          f"rounds, {args.db}; medians over the rounds")  # fmt: skip
    print(f"{'phase':<8} {'req/s':>7} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} {'cpu ms':>7}")
    for phase in ("start", "save", "submit"):
        runs = [r[phase] for r in report["rounds"]]

        def median(key: str, places: int, values=runs) -> str:
            """The median, or a dash where no round has the figure (the start phase's
            requests are sent outside ``measured``, so they carry no server CPU)."""
            found = [v[key] for v in values if v.get(key) is not None]
            return f"{statistics.median(found):.{places}f}" if found else "-"

        print(f"{phase:<8} {median('requests_per_second', 0):>7} {median('ratio', 2):>6} "
              f"{median('latency_p50_ms', 1):>7} {median('latency_p99_ms', 1):>7} "
              f"{median('server_cpu_ms_per_request', 2):>7}")  # fmt: skip
    database = report["database"]
    expected = args.learners * args.rounds + args.warmup
    ok = database["attempts"] == {"submitted": expected} and database["ungraded_answers"] == 0
    print(f"database: {database} ({'right' if ok else 'WRONG'}: {expected} submitted expected)")
    return ok


def main(argv=None) -> int:
    args = parse_args(argv)
    stop_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="lms-quiz-") as tmp:
        workdir = Path(tmp)
        began = time.monotonic()
        with throwaway_database(args.db, workdir, args.pg_url, args.pg_database) as url:
            report = run(args, workdir, url)
    print(f"(ran {time.monotonic() - began:.0f} s)")
    ok = print_report(args, report)
    if args.json:
        save_report(report, args, f"quiz-{args.db}")
    return 0 if ok else 1


if __name__ == "__main__":
    run_main(main)
