"""The GIFT pages of a module's question bank (lms/learning/gift_views.py, gift_import.py):
import a file or pasted text, all of it or nothing with each line's fault, and download
the bank as GIFT that imports back into the same questions."""

from __future__ import annotations

import io

import pytest
from conftest import post_form
from learning_support import SAMPLE_QUESTIONS, make_module
from sqlalchemy import func, select

from lms.extensions import db
from lms.learning.gift import parse_gift
from lms.learning.gift_import import bank_as_gift, import_gift, slugify, unique_key
from lms.learning.models import Module, Question
from lms.learning.publishing import LearningError, quiz_questions, quiz_tag
from lms.learning.question_types import grade

GIFT = """// [tag:objective:MR1]
::q1::Which act requires due diligence?{
    =The Transparency Act#Yes.
    ~The Planning Act#No.
}

$CATEGORY: $course$/top/Menneskerettigheter/ILO

::Kjernekonvensjoner::Which are ILO core conventions?{
    ~%50%C29 Forced Labour
    ~%50%C138 Minimum Age
    ~%-100%C999 Invented
}

Climate criteria should weigh at least {#30:0} per cent.
"""


def count_questions() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Question))


@pytest.fixture
def instructor(factory, login):
    user = factory.user("gift.instructor@example.no", roles=("instructor",), language="en")
    login(user)
    return user


@pytest.fixture
def module(instructor) -> Module:
    return make_module(instructor=instructor, slug="ansvarlige-innkjop")


def path(module: Module, end: str = "gift") -> str:
    return f"/manage/learning/modules/{module.id}/{end}"


def test_the_page_offers_a_file_a_text_and_the_module_quizzes(client, module):
    response = client.get(path(module))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert (
        'type="file"' in html and 'name="text"' in html and 'enctype="multipart/form-data"' in html
    )
    assert f'<option value="{module.quizzes[0].id}">Final quiz</option>' in html
    assert '<option selected value="">' in html or '<option value="">' in html


def test_pasted_questions_join_the_bank_and_the_chosen_quiz(client, module, instructor):
    before = count_questions()
    quiz = module.quizzes[0]
    response = post_form(client, path(module), {"text": GIFT, "quiz": str(quiz.id)})
    assert response.status_code == 302 and response.headers["Location"].endswith(path(module))
    assert count_questions() == before + 3
    assert "3 questions were imported." in client.get(path(module)).get_data(as_text=True)
    module = db.session.get(Module, module.id)
    new = module.questions[-3:]
    # Keys from the titles (or the text), unique in the module: q1 was taken.
    assert [q.key for q in new] == [
        "q1-2", "kjernekonvensjoner", "climate-criteria-should-weigh-at-least-per-cent"
    ]  # fmt: skip
    assert new[0].tags == ["objective:MR1", quiz_tag(quiz)]
    assert new[1].tags == ["category:Menneskerettigheter/ILO", quiz_tag(quiz)]
    assert [q.current.kind for q in new] == ["single", "multiple", "numeric"]
    assert new[0].current.spec["options"][0] == {
        "id": "a", "text": "The Transparency Act", "fraction": "1", "feedback": "Yes."
    }  # fmt: skip
    assert new[0].current.created_by_id == instructor.id
    assert [q.id for q in quiz_questions(module, quiz)][-3:] == [q.id for q in new]


def test_an_uploaded_file_joins_the_bank_only(client, module):
    data = {"file": (io.BytesIO(GIFT.encode("utf-8-sig")), "spørsmål.gift"), "quiz": ""}
    response = post_form(client, path(module), data, content_type="multipart/form-data")
    assert response.status_code == 302
    module = db.session.get(Module, module.id)
    assert all("quiz:quiz" not in q.tags for q in module.questions[-3:])
    assert module.questions[-2].current.text_md == "Which are ILO core conventions?"


def test_faults_are_listed_by_line_and_nothing_is_saved(client, module):
    before = count_questions()
    text = "::ok::Fine.{T}\n\nNo answers here.\n\n::neg::Pick.{=a ~%-50%b}\n"
    response = post_form(client, path(module), {"text": text, "quiz": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nothing was imported" in html
    assert "Line 3: There is no answer block" in html
    assert "Line 5: An option&#39;s fraction must be between 0 and 1." in html
    assert count_questions() == before


def test_a_fault_that_quotes_the_file_is_shown_as_text(client, module):
    response = post_form(client, path(module), {"text": "How many? {#<b>many</b>}", "quiz": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Line 1: &lt;b&gt;many&lt;/b&gt; is not a number" in html
    assert "<b>many</b>" not in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   "}, "Choose a file or paste the questions."),
        ({"file": (io.BytesIO(b"x{T}"), "questions.docx")}, "Use a .gift or .txt file."),
        ({"file": (io.BytesIO(b"\xff\xfeT\x00"), "questions.gift")}, "not UTF-8 text"),
        (
            {"file": (io.BytesIO(b"A{T}\n\n" * 200_000), "big.txt")},
            "larger than 1 MB",
        ),
        ({"text": "// only a comment"}, "Line 1: The file has no questions."),
    ],
)
def test_bad_input_is_a_form_error(client, module, data, message):
    before = count_questions()
    response = post_form(
        client, path(module), {"quiz": "", **data}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count_questions() == before


def test_a_quiz_of_another_module_is_not_a_choice(client, module, factory):
    other = make_module(slug="another-module")
    response = post_form(client, path(module), {"text": GIFT, "quiz": str(other.quizzes[0].id)})
    assert response.status_code == 400
    with pytest.raises(LearningError):
        import_gift(module.instructors[0], module, GIFT, quiz=other.quizzes[0])


def test_the_bank_downloads_as_gift_that_imports_back_the_same(client, module, instructor):
    post_form(client, path(module), {"text": GIFT, "quiz": ""})
    response = client.get(path(module, "questions.gift"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="ansvarlige-innkjop.gift"'
    )
    text = response.get_data(as_text=True)
    assert "$CATEGORY: $course$/top/Menneskerettigheter/ILO" in text
    assert "[unit:%]" in text  # the sample numeric question's unit survives
    module = db.session.get(Module, module.id)
    exported = {question.name: question for question in parse_gift(text)}
    assert sorted(exported) == sorted(q.key for q in module.questions)
    for question in module.questions:
        again, version = exported[question.key], question.current
        assert (again.kind, again.text_md, again.feedback_md, again.points) == (
            version.kind, version.text_md, version.feedback_md, version.points
        )  # fmt: skip
    for number, sample in enumerate(SAMPLE_QUESTIONS, start=1):  # written 1 or "1": alike
        for response in (sample["right"], sample["wrong"]):
            spec = exported[f"q{number}"].spec
            assert grade(sample["kind"], spec, response) == grade(
                sample["kind"], sample["spec"], response
            )
    # Into an empty module of the same instructor: the same bank, so the same file.
    copy = Module(slug="kopi", title="Kopi", instructors=[instructor])
    db.session.add(copy)
    db.session.flush()
    import_gift(instructor, copy, text)
    db.session.commit()
    assert bank_as_gift(instructor, copy) == text


def test_the_module_must_be_ones_own(client, factory, login):
    theirs = make_module(instructor=factory.user("theirs@example.no", roles=("instructor",)))
    login(factory.user("mine@example.no", roles=("instructor",)))
    assert client.get(path(theirs)).status_code == 403
    assert client.get(path(theirs, "questions.gift")).status_code == 403
    before = count_questions()
    assert (
        post_form(client, path(theirs), {"text": GIFT, "quiz": ""}, form_page="/").status_code
        == 403
    )
    assert count_questions() == before
    assert client.get("/manage/learning/modules/999999/gift").status_code == 404


def test_an_organiser_may_import_into_any_module(client, factory, login):
    module = make_module(slug="nobodys")
    login(factory.user("organiser@example.no", roles=("organiser",)))
    response = post_form(client, path(module), {"text": "A statement.{T}", "quiz": ""})
    assert response.status_code == 302


def test_faults_are_shown_in_the_readers_language(client, factory, login):
    module = make_module(slug="norsk")
    login(factory.user("arrangor@example.no", roles=("organiser",), language="nb"))
    response = post_form(client, path(module), {"text": "\n\nIngen svar her.", "quiz": ""})
    assert response.status_code == 400
    assert "Linje 3: " in response.get_data(as_text=True)


def test_keys_are_slugs_unique_in_the_module():
    assert slugify("Åpenhetsloven § 4: Aktsomhet") == "apenhetsloven-4-aktsomhet"
    assert slugify("Ærlig øre") == "aerlig-ore"
    assert unique_key("", set()) == "question"
    assert unique_key("q", {"q", "q-2"}) == "q-3"
    assert len(slugify("x" * 300)) == 60
