"""Importing course files into the database and exporting them back
(``lms/learning/course_import.py``, ``course_export.py``, the CLI commands, load-demo)."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pytest
import yaml
from flask_babel import force_locale
from learning_support import make_module
from PIL import Image
from sqlalchemy import select
from xss_corpus import PAYLOADS, one_text

from lms.demo import load_courses
from lms.extensions import db
from lms.learning import cli
from lms.learning.attempt_models import Answer, Attempt
from lms.learning.course_export import export_course
from lms.learning.course_files import CourseTreeError, read_tree
from lms.learning.course_import import import_courses
from lms.learning.models import Attachment, Module, ModuleVersion, Question, QuestionVersion
from lms.learning.publishing import latest_version
from lms.paths import COURSES_DIR

FIXTURE = Path(__file__).resolve().parent / "learning_courses"
MODULE = "ansvarlige-kjeder"
WRITES = ("INSERT", "UPDATE", "DELETE")

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def tree(tmp_path) -> Path:
    target = tmp_path / "courses"
    shutil.copytree(FIXTURE, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def every_row() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    rows = {}
    for table in db.metadata.sorted_tables:
        found = db.session.execute(select(table)).all()
        rows[table.name] = sorted((tuple(row) for row in found), key=repr)
    return rows


def module(slug: str = MODULE) -> Module:
    return db.session.scalar(select(Module).where(Module.slug == slug))


def imported(path) -> dict:
    report = import_courses(path)
    db.session.commit()
    return {m.slug: m for m in report.modules}


def assert_changes_nothing(path, count_queries) -> None:
    before = every_row()
    with count_queries() as statements:
        report = import_courses(path)
        db.session.commit()
    writes = [s for s in statements if s.lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert every_row() == before
    assert {m.outcome for m in report.modules} == {"unchanged"}
    assert not any(m.new_version for m in report.modules)


def test_importing_the_tree_creates_every_part(tree):
    reports = imported(tree)
    assert reports[MODULE].outcome == "created" and reports[MODULE].version == 1
    assert reports["klima-kort"].outcome == "created" and reports["klima-kort"].version is None
    row = module()
    assert row.status == "published" and row.title == "Ansvarlige leverandørkjeder"
    assert [o.code for o in row.objectives] == ["MR1", "MR2"]
    assert [(lesson.key, lesson.position) for lesson in row.lessons] == [
        ("hva-er-aktsomhet", 0), ("kontraktsvilkar", 1)]  # fmt: skip
    final = row.quizzes[1]
    assert (final.key, final.attempts_allowed, final.time_limit_minutes) == ("sluttprove", 3, 20)
    assert final.overall_feedback[1] == {"min_percent": 0, "text_md": "Les leksjonene igjen.\n"}
    assert [(d.tag, d.count) for d in final.draws] == [("pool:slutt-mr1", 2), ("objective:MR2", 1)]
    single = next(q for q in row.questions if q.key == "mr-slutt-1")
    assert single.tags == ["objective:MR1", "theme:human_rights", "principle:2",
                           "pool:slutt-mr1", "quiz:sluttprove"]  # fmt: skip
    assert single.current.kind == "single" and single.current.frozen
    assert len(row.questions) == 8 and module("klima-kort").status == "draft"
    snapshot = latest_version(row.id).content
    assert [len(q["draws"]) for q in snapshot["quizzes"]] == [2, 2, 1]
    files = {a.filename: a for a in db.session.scalars(select(Attachment))}
    assert files["vilkar.txt"].data == (tree / MODULE / "files" / "vilkar.txt").read_bytes()
    assert files["figur.png"].content_type == "image/png"


def test_importing_the_same_tree_again_changes_no_row(tree, count_queries):
    imported(tree)
    assert_changes_nothing(tree, count_queries)


def test_a_broken_tree_is_refused_whole_and_writes_nothing(tree, count_queries):
    imported(tree)
    edit(tree / MODULE / "lessons" / "kontraktsvilkar.md", "Anskaffelsesloven", "Ny tekst")
    edit(tree / "klima-kort" / "quizzes" / "quiz.yaml", "type: numeric", "type: guess")
    before = every_row()
    with count_queries() as statements, pytest.raises(CourseTreeError) as caught:
        import_courses(tree)
    db.session.rollback()
    assert [e.split(":")[0] for e in caught.value.errors] == ["klima-kort/quizzes/quiz.yaml"]
    assert not [s for s in statements if s.lstrip().upper().startswith(WRITES)]
    assert every_row() == before


def test_a_broken_tree_into_an_empty_database_writes_nothing(tree):
    (tree / MODULE / "files" / "figur.png").write_bytes(b"GIF89a nonsense")
    with pytest.raises(CourseTreeError):
        import_courses(tree)
    db.session.rollback()
    assert all(rows == [] for rows in every_row().values())


def test_a_changed_question_gets_a_new_version_and_the_module_too(tree, count_queries):
    imported(tree)
    quiz = tree / MODULE / "quizzes" / "sluttprove.yaml"
    edit(quiz, "Hvilken lov pålegger aktsomhetsvurderinger?", "Hvilken lov krever det?")
    reports = imported(tree)
    assert reports[MODULE].outcome == "updated" and reports[MODULE].new_version
    assert reports[MODULE].version == 2 and reports["klima-kort"].outcome == "unchanged"
    question = next(q for q in module().questions if q.key == "mr-slutt-1")
    assert [v.number for v in question.versions] == [1, 2]
    assert question.versions[0].text_md.startswith("Hvilken lov pålegger")
    others = db.session.scalars(select(QuestionVersion).where(QuestionVersion.number > 1)).all()
    assert [v.question.key for v in others] == ["mr-slutt-1"]
    assert_changes_nothing(tree, count_queries)


def test_a_reordered_quiz_says_its_order_stays_the_bank_s(tree):
    imported(tree)
    quiz = tree / "klima-kort" / "quizzes" / "quiz.yaml"
    with quiz.open("a", encoding="utf-8") as handle:
        handle.write("  - {key: km-2, type: truefalse, text: Sant?, answer: true}\n")
    assert imported(tree)["klima-kort"].notes == []
    text = quiz.read_text(encoding="utf-8")
    head, first, second = text.partition("  - key: km-1")
    block, _, last = second.partition("  - {key: km-2")
    quiz.write_text(head + "  - {key: km-2" + last + first + block, encoding="utf-8")
    (note,) = imported(tree)["klima-kort"].notes
    with force_locale("en"):
        assert str(note).startswith("The quiz quiz asks its questions in the order")


def test_a_new_order_of_lessons_and_quizzes_is_published_as_the_files_say(tree, count_queries):
    imported(tree)
    module_yaml = tree / MODULE / "module.yaml"
    text = module_yaml.read_text(encoding="utf-8")
    first = "  - key: hva-er-aktsomhet\n    title: Hva er aktsomhetsvurderinger?\n"
    second = "  - key: kontraktsvilkar\n    title: Kontraktsvilkår\n"
    text = text.replace(first + second, second + first)
    text = text.replace("[forhandstest, sluttprove, egenvurdering]",
                        "[egenvurdering, forhandstest, sluttprove]")  # fmt: skip
    module_yaml.write_text(text, encoding="utf-8")
    assert imported(tree)[MODULE].version == 2
    content = latest_version(module().id).content
    assert [lesson["key"] for lesson in content["lessons"]] == ["kontraktsvilkar",
                                                                "hva-er-aktsomhet"]  # fmt: skip
    assert [q["key"] for q in content["quizzes"]] == ["egenvurdering", "forhandstest",
                                                      "sluttprove"]  # fmt: skip
    assert_changes_nothing(tree, count_queries)


def test_parts_no_longer_in_the_files_are_removed(tree):
    imported(tree)
    module_yaml = tree / MODULE / "module.yaml"
    edit(module_yaml, "  - code: MR2\n    text: Bruke kontraktsvilkårene.\n", "")
    edit(module_yaml, "  - key: kontraktsvilkar\n    title: Kontraktsvilkår\n", "")
    edit(module_yaml, ", egenvurdering]", "]")
    (tree / MODULE / "lessons" / "kontraktsvilkar.md").unlink()
    (tree / MODULE / "quizzes" / "egenvurdering.yaml").unlink()
    (tree / MODULE / "files" / "sjekkliste.csv").unlink()
    quiz = tree / MODULE / "quizzes" / "sluttprove.yaml"
    text = quiz.read_text(encoding="utf-8")  # the tags and the draw that named MR2 name MR1
    quiz.write_text(text.replace("objective:MR2", "objective:MR1"), encoding="utf-8")
    reports = imported(tree)
    assert reports[MODULE].outcome == "updated"
    row = module()
    assert [o.code for o in row.objectives] == ["MR1"]
    assert [lesson.key for lesson in row.lessons] == ["hva-er-aktsomhet"]
    assert [q.key for q in row.quizzes] == ["forhandstest", "sluttprove"]
    assert "egen-1" not in {q.key for q in row.questions}
    names = set(db.session.scalars(select(Attachment.filename)))
    assert names == {"figur.png", "vilkar.txt"}


def _answer(question: Question, quiz_key: str, factory) -> None:
    row = module()
    quiz = next(q for q in row.quizzes if q.key == quiz_key)
    attempt = Attempt(quiz_id=quiz.id, module_version_id=latest_version(row.id).id,
                      user_id=factory.user().id, number=1, purpose=quiz.purpose)  # fmt: skip
    attempt.answers.append(Answer(slot=0, question_version_id=question.current.id))
    db.session.add(attempt)
    db.session.commit()


def test_a_removed_question_with_answers_stays_in_the_bank_out_of_its_quiz(tree, factory):
    imported(tree)
    question = next(q for q in module().questions if q.key == "mr-for-2")
    _answer(question, "forhandstest", factory)
    quiz = tree / MODULE / "quizzes" / "forhandstest.yaml"
    text = quiz.read_text(encoding="utf-8")
    quiz.write_text(text[: text.index("  - key: mr-for-2")], encoding="utf-8")
    reports = imported(tree)
    with force_locale("en"):
        assert [str(n) for n in reports[MODULE].notes] == [
            "The question mr-for-2 has answers: it stays in the bank, in no quiz."
        ]
    kept = db.session.get(Question, question.id)
    assert kept.tags == ["objective:MR1", "theme:human_rights"]
    snapshot = latest_version(module().id).content
    assert kept.current.id not in {d.get("question_version_id")
                                   for q in snapshot["quizzes"] for d in q["draws"]}  # fmt: skip


def test_a_removed_quiz_with_attempts_refuses_the_import(tree, factory):
    imported(tree)
    question = next(q for q in module().questions if q.key == "egen-1")
    _answer(question, "egenvurdering", factory)
    edit(tree / MODULE / "module.yaml", ", egenvurdering]", "]")
    (tree / MODULE / "quizzes" / "egenvurdering.yaml").unlink()
    before = every_row()
    with pytest.raises(CourseTreeError) as caught:
        import_courses(tree)
    db.session.rollback()
    assert caught.value.errors[0].startswith(f"{MODULE}/module.yaml:1: ")
    assert "egenvurdering" in caught.value.errors[0]
    assert every_row() == before


def test_an_attachment_is_replaced_only_when_its_bytes_differ(tree):
    imported(tree)
    first = {a.filename: a.id for a in db.session.scalars(select(Attachment))}
    (tree / MODULE / "files" / "vilkar.txt").write_bytes(b"Nye vilkaar.\n")
    assert imported(tree)[MODULE].outcome == "updated"
    files = {a.filename: a for a in db.session.scalars(select(Attachment))}
    assert files["vilkar.txt"].data == b"Nye vilkaar.\n"
    assert files["vilkar.txt"].sha256 == hashlib.sha256(b"Nye vilkaar.\n").hexdigest()
    assert files["figur.png"].id == first["figur.png"]


def test_export_then_import_changes_nothing(tree, tmp_path, count_queries):
    imported(tree)
    out = tmp_path / "out"
    for slug in (MODULE, "klima-kort"):
        assert export_course(slug, out).notes == []
    assert_changes_nothing(out, count_queries)


def test_an_exported_tree_reads_back_as_the_files_it_came_from(tree, tmp_path):
    imported(tree)
    out = tmp_path / "out"
    export_course(MODULE, out)
    export_course("klima-kort", out)
    assert read_tree(out) == read_tree(FIXTURE)
    export_course(MODULE, out)  # again: the same bytes
    assert read_tree(out) == read_tree(FIXTURE)


def test_export_removes_files_the_module_no_longer_has(tree, tmp_path):
    imported(tree)
    stale = tmp_path / "out" / MODULE / "lessons" / "gammel.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("# Gammel\n", encoding="utf-8")
    export_course(MODULE, tmp_path / "out")
    assert not stale.exists()
    assert (tmp_path / "out" / MODULE / "lessons" / "kontraktsvilkar.md").is_file()


def test_the_cli_imports_and_says_what_it_did(runner, tree):
    result = runner.invoke(args=["lms", "import-courses", str(tree)])
    assert result.exit_code == 0, result.output
    assert f"{MODULE}: created, published, version 1 (new)" in result.output
    assert "klima-kort: created, draft\n" in result.output
    again = runner.invoke(args=["lms", "import-courses", str(tree / MODULE)])
    assert again.output.strip() == f"{MODULE}: unchanged, published, version 1"


def test_the_cli_refuses_a_broken_tree_with_every_error(runner, tree):
    edit(tree / MODULE / "module.yaml", "estimated_minutes: 45", "estimated_minutes: lang")
    edit(tree / "klima-kort" / "module.yaml", "language: en", "language: sv")
    result = runner.invoke(args=["lms", "import-courses", str(tree)])
    assert result.exit_code == 1
    assert f"{MODULE}/module.yaml:10: estimated_minutes" in result.output
    assert "klima-kort/module.yaml:2: " in result.output
    assert db.session.scalar(select(Module.id)) is None


def test_the_cli_exports_a_module(runner, tree, tmp_path):
    runner.invoke(args=["lms", "import-courses", str(tree)])
    result = runner.invoke(args=["lms", "export-course", MODULE, "--to", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / MODULE / "module.yaml").is_file()
    missing = runner.invoke(args=["lms", "export-course", "finnes-ikke", "--to", str(tmp_path)])
    assert missing.exit_code == 1 and "finnes-ikke" in missing.output


def test_load_demo_imports_the_courses_and_stays_idempotent(app, factory, count_queries):
    factory.user("instructor@demo.lms", roles=("instructor",))
    assert load_courses(FIXTURE) == 2
    db.session.commit()
    assert [u.email for u in module().instructors] == ["instructor@demo.lms"]
    before = every_row()
    with count_queries() as statements:
        load_courses(FIXTURE)
        db.session.commit()
    assert not [s for s in statements if s.lstrip().upper().startswith(WRITES)]
    assert every_row() == before
    assert db.session.scalar(select(ModuleVersion.number)) == 1


def test_images_are_stored_re_encoded_without_their_metadata(tree, tmp_path, count_queries):
    photo = Image.new("RGB", (16, 12), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010E] = "Kamera i Bergen"  # ImageDescription
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", exif=exif.tobytes(), comment=b"GPS 60.39N 5.32E")
    original = buffer.getvalue()
    (tree / MODULE / "files" / "foto.jpg").write_bytes(original)
    imported(tree)
    stored = db.session.scalar(select(Attachment).where(Attachment.filename == "foto.jpg"))
    assert stored.content_type == "image/jpeg" and stored.data != original
    with Image.open(io.BytesIO(stored.data)) as image:
        assert not image.getexif() and "comment" not in image.info
    assert b"Bergen" not in stored.data and b"GPS" not in stored.data
    assert_changes_nothing(tree, count_queries)  # the same file re-encodes the same
    export_course(MODULE, tmp_path / "out")
    assert (tmp_path / "out" / MODULE / "files" / "foto.jpg").read_bytes() == stored.data
    assert_changes_nothing(tmp_path / "out" / MODULE, count_queries)


def test_the_commands_default_to_the_courses_folder(runner, tree, monkeypatch):
    monkeypatch.setattr(cli, "COURSES_DIR", tree)
    assert runner.invoke(args=["lms", "import-courses"]).exit_code == 0
    assert module() is not None
    shutil.rmtree(tree / MODULE)
    assert runner.invoke(args=["lms", "export-course", MODULE]).exit_code == 0
    assert (tree / MODULE / "module.yaml").is_file()


# The shipped catalogue, once courses/ holds it; until then the fixture tree stands in.
SHIPPED = COURSES_DIR if any(COURSES_DIR.glob("*/module.yaml")) else FIXTURE


def test_the_shipped_courses_import_and_a_second_import_changes_nothing(count_queries):
    reports = imported(SHIPPED)
    assert reports and all(r.outcome == "created" for r in reports.values())
    assert_changes_nothing(SHIPPED, count_queries)


def test_the_xss_corpus_imports_as_plain_text_for_the_pages_to_escape(tree):
    """Course files are not refused for holding markup: what they say is stored as it is,
    and the pages sanitise it when shown (the browser test of the corpus reads it)."""
    text = one_text()
    (tree / MODULE / "lessons" / "kontraktsvilkar.md").write_text(text, encoding="utf-8")
    quiz = {"title": text.splitlines()[0], "intro": text, "questions": [{
        "key": "xss-1", "type": "single", "text": text, "feedback": text,
        "options": [{"id": "a", "text": PAYLOADS[1], "fraction": 1, "feedback": text},
                    {"id": "b", "text": PAYLOADS[2], "fraction": 0}]}]}  # fmt: skip
    (tree / "klima-kort" / "quizzes" / "quiz.yaml").write_text(
        yaml.safe_dump(quiz, allow_unicode=True), encoding="utf-8"
    )
    imported(tree)
    lesson = next(lesson for lesson in module().lessons if lesson.key == "kontraktsvilkar")
    assert lesson.body_md == text
    question = next(q for q in module("klima-kort").questions if q.key == "xss-1")
    assert question.current.text_md == text
    assert question.current.spec["options"][1]["text"] == PAYLOADS[2]


def test_a_module_made_in_the_browser_exports_and_imports_unchanged(tmp_path, count_queries):
    made = make_module(slug="laget-i-nettleseren")
    export_course(made.slug, tmp_path)
    assert_changes_nothing(tmp_path / made.slug, count_queries)
    (again,) = read_tree(tmp_path / made.slug)
    assert [q.key for q in again.quizzes[0].questions] == ["q1", "q2", "q3", "q4", "q5"]
