"""Reading and checking course files (``lms/learning/course_files.py``): pure, no database.

The fixture tree ``tests/learning_courses/`` uses every field of the format and every
question type; each test copies it, breaks one thing and reads the errors."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from lms.learning.course_files import CourseTreeError, read_tree

pytestmark = pytest.mark.pure

FIXTURE = Path(__file__).resolve().parent / "learning_courses"
MODULE = "ansvarlige-kjeder"


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of the fixture tree to break."""
    target = tmp_path / "courses"
    shutil.copytree(FIXTURE, target, symlinks=True)
    return target


def errors_of(path) -> list[str]:
    with pytest.raises(CourseTreeError) as caught:
        read_tree(path)
    return caught.value.errors


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def test_the_fixture_tree_reads_whole_with_every_field():
    modules = {m.slug: m for m in read_tree(FIXTURE)}
    assert set(modules) == {MODULE, "klima-kort"}
    module = modules[MODULE]
    assert module.language == "nb" and module.status == "published"
    assert module.themes == ["human_rights", "working_conditions"]
    assert module.principles == [1, 2, 4] and module.estimated_minutes == 45
    assert [o.code for o in module.objectives] == ["MR1", "MR2"]
    assert [lesson.key for lesson in module.lessons] == ["hva-er-aktsomhet", "kontraktsvilkar"]
    assert module.lessons[0].body_md.startswith("# Hva er aktsomhetsvurderinger?\n")
    assert [q.key for q in module.quizzes] == ["forhandstest", "sluttprove", "egenvurdering"]
    kinds = {q.kind for quiz in module.quizzes for q in quiz.questions}
    assert kinds == {"single", "multiple", "truefalse", "short", "numeric", "matching",
                     "essay", "likert"}  # fmt: skip
    final = module.quizzes[1]
    assert (final.purpose, final.attempts_allowed, final.time_limit_minutes) == ("graded", 3, 20)
    assert (final.grading_method, final.pass_percent, final.required_for_completion) == (
        "highest", 75.0, True)  # fmt: skip
    assert final.review["open"] == ["score", "answers"]
    assert final.overall_feedback[0] == {"min_percent": 75, "text_md": "Godt gjort."}
    assert final.draws == [{"tag": "pool:slutt-mr1", "count": 2},
                           {"tag": "objective:MR2", "count": 1}]  # fmt: skip
    single = final.questions[0]
    assert single.spec["options"][0] == {
        "id": "a", "text": "Åpenhetsloven", "fraction": 1, "feedback": "Riktig."}  # fmt: skip
    assert single.feedback_md == "Åpenhetsloven § 4." and single.points == 1.0
    likert = module.quizzes[2].questions[0]
    assert likert.spec == {"points": 5, "labels": ["Helt uenig", "Helt enig"]}
    names = {a.filename: a.content_type for a in module.attachments}
    assert names["figur.png"] == "image/png" and "vilkar.txt" in names


def test_one_module_folder_reads_alone(tree):
    (modules,) = read_tree(tree / MODULE)
    assert modules.slug == MODULE


def test_every_problem_in_every_file_is_named_with_its_line(tree):
    quiz = tree / MODULE / "quizzes" / "sluttprove.yaml"
    edit(quiz, "attempts: 3", "attempts: many")
    edit(quiz, "grading: highest", "grading: best")
    edit(tree / "klima-kort" / "module.yaml", "estimated_minutes: 10", "estimated_minute: 10")
    errors = errors_of(tree)
    path = f"{MODULE}/quizzes/sluttprove.yaml"
    assert f"{path}:{line_of(quiz, 'attempts:')}: attempts must be a whole number." in errors
    assert any(e.startswith(f"{path}:{line_of(quiz, 'grading:')}: grading must be one of")
               for e in errors)  # fmt: skip
    assert "klima-kort/module.yaml:6: Unknown field estimated_minute." in errors
    assert len(errors) == 3


def test_yaml_that_does_not_parse_names_its_line(tree):
    quiz = tree / MODULE / "quizzes" / "forhandstest.yaml"
    edit(quiz, "purpose: pretest", "purpose: [pretest")
    (error,) = errors_of(tree)
    assert error.startswith(f"{MODULE}/quizzes/forhandstest.yaml:")
    assert "This is not valid YAML" in error


def test_yaml_tags_that_would_build_objects_are_refused(tree):
    edit(tree / MODULE / "module.yaml", "title: Ansvarlige leverandørkjeder",
         "title: !!python/object/apply:os.system [echo pwned]")  # fmt: skip
    (error,) = errors_of(tree)
    assert error.startswith(f"{MODULE}/module.yaml:3: This is not valid YAML")


def test_a_key_given_twice_is_refused(tree):
    edit(tree / MODULE / "module.yaml", "estimated_minutes: 45",
         "estimated_minutes: 45\nestimated_minutes: 50")  # fmt: skip
    assert errors_of(tree) == [f"{MODULE}/module.yaml:11: estimated_minutes is given twice."]


def test_required_fields_and_allowed_values(tree):
    module_yaml = tree / MODULE / "module.yaml"
    edit(module_yaml, "title: Ansvarlige leverandørkjeder\n", "")
    edit(module_yaml, "themes: [human_rights, working_conditions]", "themes: [weather]")
    edit(module_yaml, "principles: [1, 2, 4]", "principles: [0, 11]")
    edit(module_yaml, "language: nb", "language: de")
    errors = "\n".join(errors_of(tree))
    assert f"{MODULE}/module.yaml:1: title is missing." in errors
    assert "themes must list some of: human_rights, working_conditions" in errors
    assert "principles must list some of: 1, 2, 3" in errors
    assert "language must be one of: nb, en." in errors


def test_the_slug_is_the_folder_name_and_keys_have_one_shape(tree):
    edit(tree / MODULE / "module.yaml", "slug: ansvarlige-kjeder", "slug: annet")
    edit(tree / MODULE / "module.yaml", "- key: kontraktsvilkar", "- key: Kontrakts_Vilkar")
    errors = errors_of(tree)
    assert errors[0] == (f"{MODULE}/module.yaml:1: The slug annet must be the folder's name, "
                         f"{MODULE}.")  # fmt: skip
    line = line_of(tree / MODULE / "module.yaml", "Kontrakts_Vilkar")
    assert any(f":{line}: Kontrakts_Vilkar is not a valid key" in e for e in errors)


def test_a_missing_lesson_or_quiz_file_is_named_where_it_is_listed(tree):
    (tree / MODULE / "lessons" / "kontraktsvilkar.md").unlink()
    (tree / MODULE / "quizzes" / "egenvurdering.yaml").unlink()
    errors = errors_of(tree)
    lesson_line = line_of(tree / MODULE / "module.yaml", "key: kontraktsvilkar")
    quiz_line = line_of(tree / MODULE / "module.yaml", "quizzes:")
    assert errors[0] == (f"{MODULE}/module.yaml:{lesson_line}: {MODULE}/lessons/"
                         "kontraktsvilkar.md does not exist.")  # fmt: skip
    assert errors[1] == (f"{MODULE}/module.yaml:{quiz_line}: {MODULE}/quizzes/"
                         "egenvurdering.yaml does not exist.")  # fmt: skip
    assert len(errors) == 2


def test_a_lesson_file_module_yaml_does_not_list_is_refused(tree):
    (tree / MODULE / "lessons" / "glemt.md").write_text("# Glemt\n", encoding="utf-8")
    assert errors_of(tree) == [
        f"{MODULE}/lessons/glemt.md:1: module.yaml does not list glemt under lessons."
    ]


def test_each_question_goes_through_its_type_check(tree):
    quiz = tree / MODULE / "quizzes" / "sluttprove.yaml"
    edit(quiz, "{id: a, text: Åpenhetsloven, fraction: 1,", "{id: a, text: Åpenhetsloven, "
         "fraction: 0,")  # fmt: skip
    edit(quiz, "type: essay", "type: drawing")
    errors = errors_of(tree)
    question_line = line_of(quiz, "- key: mr-slutt-1")
    assert f"{MODULE}/quizzes/sluttprove.yaml:{question_line}: One option must be fully right " \
           "(fraction 1)." in errors  # fmt: skip
    assert any("type must be one of: essay, likert, matching" in e for e in errors)


def test_question_keys_are_unique_in_the_module_and_tags_name_what_exists(tree):
    quiz = tree / MODULE / "quizzes" / "forhandstest.yaml"
    edit(quiz, "key: mr-for-2", "key: mr-slutt-1")
    edit(quiz, "tags: [objective:MR1]", "tags: [objective:MR9, principle:11, theme:sport]")
    errors = "\n".join(errors_of(tree))
    assert "mr-slutt-1 is already used in ansvarlige-kjeder/quizzes/forhandstest.yaml" in errors
    assert "The tag objective:MR9 names no objective of the module." in errors
    assert "The tag principle:11 names no principle (1 to 10)." in errors
    assert "The tag theme:sport names no theme." in errors


def test_a_draw_needs_enough_tagged_questions(tree):
    quiz = tree / MODULE / "quizzes" / "sluttprove.yaml"
    edit(quiz, "count: 2", "count: 3")
    assert errors_of(tree) == [
        f"{MODULE}/quizzes/sluttprove.yaml:{line_of(quiz, 'tag: pool:slutt-mr1')}: The draw "
        "asks for 3 questions tagged pool:slutt-mr1; the module has 2."
    ]


def test_feedback_bands_and_review_parts_are_checked(tree):
    quiz = tree / MODULE / "quizzes" / "sluttprove.yaml"
    edit(quiz, "min_percent: 0", "min_percent: 75")
    edit(quiz, "open: [score, answers]", "open: [score, grades]")
    edit(quiz, "  closed:", "  later: [score]\n  closed:")
    errors = "\n".join(errors_of(tree))
    assert "Two feedback bands start at 75 %." in errors
    assert "open must list some of: score, answers, right_answers, feedback (each once)." in errors
    assert "Unknown field later." in errors


def test_a_published_quiz_without_questions_is_refused(tree):
    (tree / "klima-kort" / "quizzes" / "quiz.yaml").write_text("title: Tom\n", encoding="utf-8")
    edit(tree / "klima-kort" / "module.yaml", "estimated_minutes: 10",
         "estimated_minutes: 10\nstatus: published")  # fmt: skip
    assert errors_of(tree) == ["klima-kort/quizzes/quiz.yaml:1: The quiz has no questions."]


def test_links_must_lead_to_files_that_exist(tree):
    lesson = tree / MODULE / "lessons" / "kontraktsvilkar.md"
    edit(lesson, "files/sjekkliste.csv", "files/mangler.csv")
    assert errors_of(tree) == [
        f"{MODULE}/lessons/kontraktsvilkar.md:3: The link files/mangler.csv leads to a file "
        "that is not in files/."
    ]


@pytest.mark.parametrize("target", ["../klima-kort/lessons/vekting.md", "files/../../x.png",
                                    "/etc/passwd", "files%2F..%2F..%2Fx.txt"])  # fmt: skip
def test_a_link_that_leaves_the_module_is_refused(tree, target):
    lesson = tree / MODULE / "lessons" / "hva-er-aktsomhet.md"
    edit(lesson, "](files/figur.png)", f"]({target})")
    (error,) = errors_of(tree)
    assert error.startswith(f"{MODULE}/lessons/hva-er-aktsomhet.md:5: The link ")
    assert "leads out of the module's folder." in error


def test_links_elsewhere_are_left_alone(tree):
    lesson = tree / MODULE / "lessons" / "kontraktsvilkar.md"
    edit(lesson, "## Kilder", "[Lovdata](https://lovdata.no) [e-post](mailto:a@b.no) [topp](#x)")
    assert read_tree(tree)


def test_a_link_in_a_question_is_checked_too(tree):
    quiz = tree / "klima-kort" / "quizzes" / "quiz.yaml"
    edit(quiz, "text: At least what weight (per cent)?",
         "text: See ![the rule](files/regel.png)")  # fmt: skip
    (error,) = errors_of(tree)
    assert error.startswith("klima-kort/quizzes/quiz.yaml:5: The link files/regel.png")


@pytest.mark.parametrize("key", ["../../outside", "/etc/passwd", "a/b"])
def test_a_lesson_or_quiz_key_that_is_a_path_is_refused(tree, key):
    edit(
        tree / MODULE / "module.yaml",
        "quizzes: [forhandstest,",
        f"quizzes: ['{key}', forhandstest,",
    )
    edit(tree / MODULE / "module.yaml", "- key: kontraktsvilkar", f"- key: '{key}'")
    errors = errors_of(tree)
    assert sum("is not a valid key" in e for e in errors) == 2
    assert not any("does not exist" in e for e in errors)


@pytest.fixture
def outside(tmp_path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text("# Secret\n", encoding="utf-8")
    (folder / "secret.yaml").write_text("title: Secret\n", encoding="utf-8")
    (folder / "secret.txt").write_text("secret\n", encoding="utf-8")
    return folder


def test_a_lesson_file_that_links_outside_the_module_is_refused(tree, outside):
    lesson = tree / MODULE / "lessons" / "kontraktsvilkar.md"
    lesson.unlink()
    os.symlink(outside / "secret.md", lesson)
    (error,) = errors_of(tree)
    line = line_of(tree / MODULE / "module.yaml", "key: kontraktsvilkar")
    assert error == (f"{MODULE}/module.yaml:{line}: {MODULE}/lessons/kontraktsvilkar.md leads "
                     "out of the module's folder.")  # fmt: skip


def test_a_quiz_file_that_links_outside_the_module_is_refused(tree, outside):
    quiz = tree / MODULE / "quizzes" / "egenvurdering.yaml"
    quiz.unlink()
    os.symlink(outside / "secret.yaml", quiz)
    (error,) = errors_of(tree)
    assert "quizzes/egenvurdering.yaml leads out of the module's folder." in error


def test_an_attachment_that_links_outside_the_module_is_refused(tree, outside):
    os.symlink(outside / "secret.txt", tree / MODULE / "files" / "hemmelig.txt")
    assert errors_of(tree) == [
        f"{MODULE}/files/hemmelig.txt:1: {MODULE}/files/hemmelig.txt leads out of the "
        "module's folder."
    ]


def test_a_files_folder_that_links_outside_is_refused(tree, outside):
    shutil.rmtree(tree / "klima-kort" / "lessons")
    os.symlink(outside, tree / "klima-kort" / "lessons")
    errors = errors_of(tree)
    assert errors[0].startswith("klima-kort/module.yaml:")
    assert "leads out of the module's folder." in errors[0]


def test_a_module_folder_that_links_outside_the_tree_is_refused(tree, tmp_path):
    shutil.move(tree / "klima-kort", tmp_path / "klima-kort")
    os.symlink(tmp_path / "klima-kort", tree / "klima-kort")
    assert errors_of(tree) == ["klima-kort:1: klima-kort leads out of the module's folder."]


def test_a_symlink_inside_the_module_is_fine(tree):
    os.symlink("vilkar.txt", tree / MODULE / "files" / "kopi.txt")
    (module, _) = read_tree(tree)
    assert {a.filename for a in module.attachments} >= {"kopi.txt", "vilkar.txt"}


def test_attachments_keep_the_upload_limits(tree):
    files = tree / MODULE / "files"
    (files / "skript.svg").write_text("<svg onload='alert(1)'/>", encoding="utf-8")
    (files / "falsk.png").write_bytes(b"not a png at all")
    (files / "stor.pdf").write_bytes(b"%PDF-1.4" + b"0" * 2000)
    with pytest.raises(CourseTreeError) as caught:
        read_tree(tree, max_bytes=1000)
    errors = caught.value.errors
    assert errors[0] == f"{MODULE}/files/falsk.png:1: The file could not be read as an image."
    assert errors[1].startswith(f"{MODULE}/files/skript.svg:1: This type of file is not accepted")
    assert errors[2] == f"{MODULE}/files/stor.pdf:1: The file is larger than 1000 bytes."
    assert len(errors) == 3


def test_a_tree_without_modules_or_a_folder_without_module_yaml_is_refused(tmp_path, tree):
    assert errors_of(tmp_path / "nowhere") == ["nowhere:1: There is no folder nowhere."]
    (tmp_path / "empty").mkdir()
    assert errors_of(tmp_path / "empty") == ["empty:1: The folder holds no module."]
    (tree / "halvferdig").mkdir()
    assert errors_of(tree) == ["halvferdig:1: The folder has no module.yaml."]


def test_text_that_is_not_utf8_is_refused(tree):
    (tree / MODULE / "lessons" / "kontraktsvilkar.md").write_bytes("Vilkår".encode("latin-1"))
    assert errors_of(tree) == [
        f"{MODULE}/lessons/kontraktsvilkar.md:1: The file is not UTF-8 text."
    ]


def test_aliases_that_could_multiply_a_value_are_refused(tree):
    laughs = "".join(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]\n" for n in range(1, 9))
    (tree / "klima-kort" / "quizzes" / "quiz.yaml").write_text(
        "l0: &l0 [ha]\n" + laughs, encoding="utf-8"
    )
    (error,) = errors_of(tree)
    assert error.startswith("klima-kort/quizzes/quiz.yaml:1: This is not valid YAML: aliases")


def test_a_module_yaml_that_links_outside_the_module_is_refused(tree, outside):
    target = outside / "module.yaml"
    shutil.copy(tree / MODULE / "module.yaml", target)
    (tree / MODULE / "module.yaml").unlink()
    os.symlink(target, tree / MODULE / "module.yaml")
    assert errors_of(tree / MODULE) == [
        f"{MODULE}/module.yaml:1: {MODULE}/module.yaml leads out of the module's folder."
    ]


def test_a_required_text_of_only_spaces_is_missing(tree):
    edit(tree / "klima-kort" / "module.yaml", "title: Climate in procurement", "title: '  '")
    assert errors_of(tree) == ["klima-kort/module.yaml:3: title is missing."]
