"""GIFT import and export (lms/learning/gift.py, gift_export.py), pure.

The cases follow Moodle's own tests of its GIFT format (question/format/gift/tests/
giftformat_test.php, its fixtures and examples.txt), rewritten for this project's
question types: each input, what it must become, and that writing it back and reading it
again gives the same questions (the export and its property: test_learning_gift_export.py)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from lms.core.markdown import render_markdown
from lms.learning.gift import GiftError, GiftQuestion, parse_gift
from lms.learning.gift_export import to_gift

pytestmark = pytest.mark.pure


def one(text: str) -> GiftQuestion:
    [question] = parse_gift(text)
    return question


def round_trip(text: str) -> list[GiftQuestion]:
    """Read ``text``, write it, read it again: the same questions both times."""
    first = parse_gift(text)
    again = parse_gift(to_gift(first))
    assert again == first
    return first


def faults(text: str) -> list[tuple[int, str]]:
    with pytest.raises(GiftError) as caught:
        parse_gift(text)
    return [(line, str(message)) for line, message in caught.value.faults]


# --- Moodle's import cases ---------------------------------------------------------------


def test_essay_with_a_title_and_a_comment_before_it():
    question = one("\n// essay\n::Q8:: How are you? {}")
    assert (question.name, question.kind, question.text_md, question.spec) == (
        "Q8",
        "essay",
        "How are you?",
        {},
    )
    assert question.line == 3 and question.points == 1.0 and question.category == ""


def test_matching_with_a_format_on_each_prompt():
    question = one(
        "// question: 2  name: Moodle activities\n"
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        "    =[html]An activity supporting <i>asynchronous</i> discussions. -> Forum\n"
        "    =[moodle]A teacher asks a question and gives a choice of answers. -> Choice\n"
        "    =[plain]A bank of record entries (*all* of them) -> Database\n"
        "    =[markdown]A collection of **web pages** -> Wiki\n"
        "}"
    )
    assert question.kind == "matching"
    assert question.text_md == "Match the **activity** to the description."
    assert question.spec["pairs"] == [
        {"id": "1", "prompt": "An activity supporting *asynchronous* discussions.",
         "answer": "Forum"},
        {"id": "2", "prompt": "A teacher asks a question and gives a choice of answers.",
         "answer": "Choice"},
        {"id": "3", "prompt": "A bank of record entries (\\*all\\* of them)", "answer": "Database"},
        {"id": "4", "prompt": "A collection of **web pages**", "answer": "Wiki"},
    ]  # fmt: skip
    round_trip("::M::Match.{=a -> b =c -> d}")


def test_a_match_with_no_prompt_is_refused_on_its_line():
    # Moodle reads "= -> Chat" as an extra answer to choose from; this project has none.
    text = (
        "::Moodle activities::Match.{\n  =Forum text -> Forum\n  =Wiki text -> Wiki\n  = -> Chat\n}"
    )
    [(line, message)] = faults(text)
    assert line == 4 and message.startswith("Line 4: A pair has no prompt")


def test_single_choice_with_feedback_per_option_and_formats():
    question = one(
        "// multiple choice with specified feedback for right and wrong answers\n"
        "::Q2:: What's between orange and green in the spectrum?\n"
        "{\n    =yellow # right; good!\n    ~red # [html]wrong, it's <b>yellow</b>\n"
        "    ~[plain]blue # wrong, it's yellow\n}"
    )
    assert question.kind == "single" and question.line == 2
    assert question.spec["options"] == [
        {"id": "a", "text": "yellow", "fraction": "1", "feedback": "right; good!"},
        {"id": "b", "text": "red", "fraction": "0", "feedback": "wrong, it's **yellow**"},
        {"id": "c", "text": "blue", "fraction": "0", "feedback": "wrong, it's yellow"},
    ]


def test_multiple_answers_with_weights():
    question = one(
        "::colours:: What's between orange and green in the spectrum?\n{\n"
        "    ~%50%yellow # right; good!\n    ~%-100%red # [html]wrong\n"
        "    ~%50%off-beige # right; good!\n    ~%-100%[plain]blue # wrong\n}"
    )
    assert question.kind == "multiple"
    assert [(o["text"], o["weight"], o.get("feedback")) for o in question.spec["options"]] == [
        ("yellow", "0.5", "right; good!"),
        ("red", "-1", "wrong"),
        ("off-beige", "0.5", "right; good!"),
        ("blue", "-1", "wrong"),
    ]


def test_multiple_answers_with_one_right_option_and_penalties():
    # Moodle's "tricky" case: no = at all makes it multiple response, even with one 100 %.
    question = one("::colours:: Which? {\n ~%100%yellow # right\n ~%-50%red\n ~%-50%blue\n}")
    assert question.kind == "multiple"
    assert [o["weight"] for o in question.spec["options"]] == ["1", "-0.5", "-0.5"]


def test_thirds_are_weights_that_add_up_within_the_slack():
    question = one("Three of four? {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")
    assert [o["weight"] for o in question.spec["options"]] == [
        "0.3333333", "0.3333333", "0.3333333", "-1"
    ]  # fmt: skip
    assert "~%33.33333%a" in to_gift([question])


def test_partial_credit_in_single_choice():
    # examples.txt: "Jesus' hometown", with = for the right one and ~%n% for part credit.
    question = one(
        "::Jesus' hometown::Jesus Christ was from {\n"
        "    ~Jerusalem#This was an important city, but the wrong answer.\n"
        "    ~%25%Bethlehem#He was born here, but not raised here.\n"
        "    ~%50%Galilee#You need to be more specific.\n"
        "    =Nazareth#Yes! That's right!}."
    )
    assert question.kind == "single"
    assert question.text_md == "Jesus Christ was from _____."
    assert [o["fraction"] for o in question.spec["options"]] == ["0", "0.25", "0.5", "1"]


def test_numeric_with_tolerance_and_feedback_for_anything_else():
    question = one(
        "// math range question\n::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}"
    )
    assert question.kind == "numeric"
    # Moodle's catch-all (~#feedback) earns what any other number earns: it is left out.
    assert question.spec == {"answers": [{"value": "3", "tolerance": "2", "fraction": "1"}]}


def test_numeric_ranges_values_and_several_answers():
    assert one("Pi to 3 decimals? {#3.1415:0.0005}").spec["answers"] == [
        {"value": "3.1415", "tolerance": "0.0005", "fraction": "1"}
    ]
    ranged = one("What is the value of pi (to 3 decimal places)? {#3.141..3.142}.")
    assert ranged.spec["answers"] == [{"min": "3.141", "max": "3.142", "fraction": "1"}]
    assert ranged.text_md == "What is the value of pi (to 3 decimal places)? _____."
    assert one("When was Grant born? {#1822}").spec["answers"] == [
        {"value": "1822", "tolerance": "0", "fraction": "1"}
    ]
    several = one(
        "::Numerical example::\nWhen was Ulysses S. Grant born? {#\n"
        "     =1822:0      #Correct! 100% credit\n"
        "     =%50%1822:2  #He was born in 1822.\n                  You get 50% credit.\n}"
    )
    assert several.spec["answers"] == [
        {"value": "1822", "tolerance": "0", "fraction": "1", "feedback": "Correct! 100% credit"},
        {"value": "1822", "tolerance": "2", "fraction": "0.5",
         "feedback": "He was born in 1822.\n                  You get 50% credit."},
    ]  # fmt: skip
    assert one("{# =%100%3.14:0.01 =%50%3.1:0.1} is pi").spec["answers"][1] == {
        "value": "3.1", "tolerance": "0.1", "fraction": "0.5"
    }  # fmt: skip
    assert one("Below zero? {#-5..-1}").spec["answers"] == [
        {"min": "-5", "max": "-1", "fraction": "1"}
    ]


def test_short_answers_with_partial_credit_and_general_feedback():
    question = one(
        "// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n"
        "    =Frog#Good!\n    =%50%Cat#What is it with Moodlers and cats?\n"
        "    =%0%*#Completely wrong\n    ####[html]Here is some <b>general</b> feedback!\n}"
    )
    assert question.kind == "short"
    assert question.spec == {
        "answers": [
            {"text": "Frog", "fraction": "1", "feedback": "Good!"},
            {"text": "Cat", "fraction": "0.5", "feedback": "What is it with Moodlers and cats?"},
        ]
    }
    assert question.feedback_md == "Here is some **general** feedback!"
    assert one("Two plus two equals {=four =4}.").spec["answers"] == [
        {"text": "four", "fraction": "1"},
        {"text": "4", "fraction": "1"},
    ]


def test_wildcards_in_short_answers_are_refused_but_an_escaped_star_is_kept():
    [(line, message)] = faults("\n\nWhich?{=Fro*}")
    assert line == 3 and "Wildcards" in message
    assert one("Which?{=C\\*}").spec["answers"] == [{"text": "C*", "fraction": "1"}]


def test_true_false_and_its_two_feedbacks():
    # The first # is for a wrong answer, the second for the right one (Moodle's rule).
    question = one(
        "// true/false\n::Q1:: 42 is the Absolute Answer to everything.{\n"
        "FALSE#42 is the Ultimate Answer.#You gave the right answer.}"
    )
    assert question.spec == {
        "answer": False,
        "feedback_true": "42 is the Ultimate Answer.",
        "feedback_false": "You gave the right answer.",
    }
    for mark, value in (("T", True), ("TRUE", True), ("F", False), ("FALSE", False)):
        question = one(f"// name 0-11\n::2-08 TSL::TSL is blablabla.{{{mark}}}")
        assert (question.name, question.kind, question.spec["answer"]) == (
            "2-08 TSL",
            "truefalse",
            value,
        )
    assert one("Sure.{TRUE#No.#Yes.####Because.}").spec == {
        "answer": True, "feedback_true": "Yes.", "feedback_false": "No."
    }  # fmt: skip


def test_backslashes_and_every_escape():
    assert one("::double backslash:: A \\\\ B \\\\\\\\ C{}").text_md == "A \\ B \\\\ C"
    question = one(
        "::GIFT Control Characters::\nWhich is NOT a control character? {\n"
        "   ~ \\~     # \\~ is a control character.\n   ~ \\=     # \\= is one.\n"
        "   ~ \\#     # \\# is one.\n   ~ \\{     # \\{ is one.\n   ~ \\}     # \\} is one.\n"
        "   ~ \\:     # \\: too.\n   = \\\\     # Correct! \\\\ (backslash) is not.\n}"
    )
    assert [o["text"] for o in question.spec["options"]] == ["~", "=", "#", "{", "}", ":", "\\"]
    assert one("Line one\\nline two{}").text_md == "Line one\nline two"
    assert one("Markdown's own \\* stays{}").text_md == "Markdown's own \\* stays"
    equals = one("Which answer equals 5? {~ \\= 2 + 2 = \\= 2 + 3 ~ \\= 2 + 4}")
    assert equals.spec["options"][1] == {"id": "b", "text": "= 2 + 3", "fraction": "1"}


def test_html_with_escaped_braces_becomes_a_code_block():
    question = one(
        "::Q001::[html]<p>What would running the test method print?</p>\n<pre>\n"
        "    public void test() \\{\n        method1();\n    \\}\n</pre>\n{}"
    )
    assert question.text_md == (
        "What would running the test method print?\n\n```\n"
        "    public void test() {\n        method1();\n    }\n```"
    )


def test_html_links_stay_links_and_scripts_go():
    question = one(
        '::Greeting::[html]<a href\\="http\\://example.no/bonjour.mp3">Listen\\:</a><br />'
        "<script>alert(1)</script>What language is it?{~English =French}"
    )
    assert question.text_md == "[Listen:](http://example.no/bonjour.mp3)\nWhat language is it?"
    assert one('[html]<a href\\="javascript\\:alert(1)">x</a> y{}').text_md == "x y"


def test_tags_points_unit_and_case_from_comments():
    question = one(
        "// This question is to test importing tags: [tag:tag] [tag:other-tag].\n"
        "// And an idnumber: [id:myid]. Escaped: [tag:t\\]ag] [points:2.5]\n"
        "::Question name:: How are you? {}"
    )
    assert question.tags == ("tag", "other-tag", "t]ag") and question.points == 2.5
    assert one("// [tag:\n\\ frog]\nSplit over two lines is no tag.{}").tags == ()
    assert one("// [unit:%]\nHow much? {#30}").spec["unit"] == "%"
    assert one("// [case:sensitive]\nThe act? {=ILO}").spec["case_sensitive"] is True


def test_categories_apply_to_the_questions_after_them():
    questions = round_trip(
        "// question: 0  name: switch category\n"
        "$CATEGORY: $course$/top/Default for New Features\n\n"
        "::Greeting::What language? {\n\t~English#Sorry.\n\t=French#Yes!\n}\n\n"
        "$CATEGORY: $course$/top/Ansvarlige innkjøp/Menneskerettigheter\n\n"
        "::Moodle user::Anyone who uses Moodle is a ...{\n\t=%100%Moodler#\n}\n\n"
        "::Moodle acronym::Moodle is an acronym.{TRUE}\n\n"
        "$CATEGORY: $course$/top\n\n::Top::Back at the top.{T}"
    )
    assert [(q.name, q.category) for q in questions] == [
        ("Greeting", "Default for New Features"),
        ("Moodle user", "Ansvarlige innkjøp/Menneskerettigheter"),
        ("Moodle acronym", "Ansvarlige innkjøp/Menneskerettigheter"),
        ("Top", ""),
    ]
    assert [q.line for q in questions] == [4, 11, 15, 19]


def test_missing_word_examples():
    question = one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert question.text_md == "Grant is _____ in Grant's tomb."
    thanksgiving = one(
        "The American holiday of Thanksgiving is celebrated on the {\n"
        "    ~second\n    ~third\n    =fourth\n} Thursday of November."
    )
    assert thanksgiving.text_md.endswith("on the _____ Thursday of November.")


def test_each_type_from_examples_round_trips():
    round_trip(EXAMPLES)
    assert [q.kind for q in parse_gift(EXAMPLES)] == [
        "single", "single", "truefalse", "short", "numeric", "matching", "multiple",
        "multiple", "essay", "short", "numeric",
    ]  # fmt: skip


EXAMPLES = """//  EXAMPLE QUESTIONS for the GIFT import filter

Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}

Japanese characters originally came from what country? {
    ~India
    =China
    ~Korea
    ~Egypt}

Grant is buried in Grant's tomb.{F}

Who's buried in Grant's tomb?{=no one =nobody}

When was Ulysses S. Grant born?{#1822:5}

Match the following countries with their corresponding
capitals.{=Canada->Ottawa =Italy->Rome =Japan->Tokyo}

What two people are entombed in Grant's tomb? {
    ~No one
    ~%50%Grant
    ~%50%Grant's wife
    ~Grant's father }

What two people are entombed in Grant's tomb? {
    ~%-50%No one
    ~%50%Grant
    ~%50%Grant's wife
    ~%-50%Grant's father }

[markdown]Write about **Grant's tomb**.{####Mention who is buried there.}

[markdown]Who's buried in **Grant's tomb**?{
=no one#excellent answer!
=nobody#excellent answer!}

// Subheading: Numerical questions below
What's 2 plus 2? {#4}
"""


# --- errors name their lines ---------------------------------------------------------------


def test_every_fault_of_a_file_is_reported_with_its_line():
    text = (
        "::ok::Fine.{T}\n\n"  # line 1
        "A description with no answers.\n\n"  # line 3
        "::cloze::Embedded {1:MC:~a~=b} answers.\n\n"  # line 5
        "::open::The brace is never\nclosed {=a\n\n"  # lines 7-8
        "::nothing right::Pick.{\n~a\n~b\n}\n\n"  # line 10: multiple, weights add to 0
        "::two blocks::First {=a} and {=b}.\n\n"  # line 15
        "::nan::How many? {#\n=%100%many\n}\n\n"  # line 17, fault on 18
        "::one pair::Match {=a -> b}\n\n"  # line 21
        "::no title end::Text {T}\n\n"  # line 23
        "::bad points::\n// [points:lots]\nText {T}"  # lines 25-27
    )
    found = faults(text)
    lines = [line for line, _message in found]
    assert lines == [3, 5, 8, 10, 15, 18, 21, 26]
    messages = dict(found)
    assert messages[3].startswith("Line 3: There is no answer block")
    assert "Embedded answers" in messages[5]
    assert "braces do not match" in messages[8]
    assert messages[10] == "Line 10: The right options' weights must add up to 1."
    assert "one answer block" in messages[15]
    assert messages[18].startswith("Line 18: many is not a number")
    assert messages[21] == "Line 21: Give at least two pairs to match."
    assert messages[26].startswith("Line 26: Points must be")
    assert isinstance(GiftError([]), ValueError)


def test_validation_faults_are_the_question_types_own():
    [(line, message)] = faults("\n\n\n::neg::Pick one.{=a ~%-50%b}")
    assert line == 4 and message == "Line 4: An option's fraction must be between 0 and 1."
    [(line, message)] = faults("::t:: {T}")
    assert message == "Line 1: The question has no text."
    [(line, message)] = faults("::t Forgot the closing colons {T}")
    assert message == "Line 1: The title has no closing ::."


def test_an_empty_file_or_only_comments_has_no_questions():
    assert parse_gift("") == [] and parse_gift("// nothing\n\n// here\n") == []
    assert parse_gift("\ufeff::bom::Windows files.\r\n{T}\r\n").pop().text_md == "Windows files."


XSS = [
    "<script>alert(1)</script>",
    "<img src\\=x onerror\\=alert(1)>",
    '<a href\\="javascript\\:alert(1)">x</a>',
    "[x](javascript\\:alert(1))",
    "<svg onload\\=alert(1)>",
]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("payload", XSS)
@pytest.mark.parametrize("fmt", ["", "[html]", "[plain]", "[markdown]"])
def test_imported_payloads_render_as_harmless_text(payload, fmt):
    """Whatever the format, an imported text rendered as the pages render it has no
    script, no event handler and no javascript: link (the payload shows as text)."""
    question = one(f"{fmt}Q {payload}{{=A {payload}#F {payload} ~b####G {payload}}}")
    option = question.spec["options"][0]
    for text in (question.text_md, option["text"], option["feedback"], question.feedback_md):
        elements = _Elements()
        elements.feed(str(render_markdown(text)))
        for tag, attrs in elements.found:
            assert tag in {"p", "a", "br", "em", "strong", "code"}, (text, tag)
            assert not any(name.startswith("on") for name in attrs), (text, attrs)
            assert not (attrs.get("href") or "").lower().startswith("javascript"), (text, attrs)
