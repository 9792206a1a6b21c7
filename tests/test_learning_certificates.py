"""Certificates: issued once on completion (a module, a course with attendance), codes
that cannot be guessed, the public verification page (name, title, date, valid or
revoked, nothing else), who may revoke and download, and the PDF in both languages
(read back: its pages, text, link and QR code)."""

from __future__ import annotations

import base64
import io
import re
import zlib
from datetime import timedelta

import pytest
import segno
from conftest import post_form
from learning_support import make_module
from PIL import Image
from progress_support import link, submit, view_lessons
from registrations_support import registration_of
from sqlalchemy import func, select
from weasyprint import HTML

from lms.core.service_errors import PermissionDenied
from lms.extensions import db
from lms.learning import certificates
from lms.learning.certificate_pdf import QR_BORDER, QR_SCALE, certificate_html, verification_url
from lms.learning.certificates import issue_certificates_if_complete, revoke_certificate
from lms.learning.models import CourseRule
from lms.learning.progress_models import Certificate
from lms.learning.publishing import LearningError
from lms.registrations import services as registrations
from lms.registrations.session_attendance import check_in_session
from lms.timeutil import utcnow


def completed(factory, *, language="nb", instructor=None, title="Leverandørkjeder og ILO"):
    """A learner who has read every lesson and passed the quiz, and the module."""
    learner = factory.user(f"holder-{language}@example.no", name="Åse Ørnes-Lie", language=language)
    module = make_module(instructor=instructor, title=title)
    view_lessons(learner, module)
    submit(learner, module, passed=True)
    return learner, module


def count_certificates() -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate))


def test_certificate_is_issued_once_on_completion(factory):
    learner, module = completed(factory)
    [certificate] = issue_certificates_if_complete(learner, module.id)
    assert issue_certificates_if_complete(learner, module.id) == [], "issued once"
    db.session.commit()
    assert count_certificates() == 1
    assert (certificate.holder_name, certificate.title, certificate.language) == (
        "Åse Ørnes-Lie",
        "Leverandørkjeder og ILO",
        "nb",
    )
    assert certificate.module_id == module.id and certificate.revoked_at is None


def test_nothing_is_issued_before_completion(factory):
    learner = factory.user()
    module = make_module()
    view_lessons(learner, module)
    submit(learner, module, passed=False)
    assert issue_certificates_if_complete(learner, module.id) == []
    assert count_certificates() == 0


def test_a_revoked_certificate_is_not_issued_again(factory):
    learner, module = completed(factory)
    [certificate] = issue_certificates_if_complete(learner, module.id)
    revoke_certificate(factory.user(roles=("organiser",)), certificate, "Juks")
    assert issue_certificates_if_complete(learner, module.id) == []


def test_codes_cannot_be_guessed(factory):
    codes = {certificates.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", code) for code in codes), "128 bits"
    # Every position takes many values: nothing is fixed, counted or derived from an id.
    assert all(len({code[i] for code in codes}) > 50 for i in range(21))
    learner, module = completed(factory)
    [certificate] = issue_certificates_if_complete(learner, module.id)
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", certificate.code)


@pytest.mark.parametrize("code", ["AAAAAAAAAAAAAAAAAAAAAA", "1", "x" * 200, "..%2F..", "ab cd"])
def test_unknown_codes_are_not_found(client, factory, login, code):
    assert client.get(f"/certificates/{code}").status_code == 404
    login(factory.user(roles=("organiser",)))
    assert client.get(f"/me/certificates/{code}.pdf").status_code == 404


def test_verification_page_shows_name_title_date_and_validity_only(client, factory):
    learner, module = completed(factory, language="en")
    learner.organisation = "Bjørnafjorden kommune"
    learner.job_title = "Innkjøpsrådgiver"
    [certificate] = issue_certificates_if_complete(learner, module.id)
    db.session.commit()
    response = client.get(f"/certificates/{certificate.code}", headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    main = page[page.index("<main") : page.index("</main>")]
    assert "Åse Ørnes-Lie" in main and "Leverandørkjeder og ILO" in main
    from lms.core.dates import format_date

    with client.application.test_request_context(headers={"Accept-Language": "en"}):
        assert format_date(certificate.issued_at) in main
    assert "This certificate is valid." in main
    for private in (learner.email, "Bjørnafjorden", "Innkjøpsrådgiver"):
        assert private not in page
    assert 'name="robots" content="noindex"' in page


def test_revoked_certificate_page_says_so_with_the_date_not_the_reason(client, factory):
    learner, module = completed(factory)
    [certificate] = issue_certificates_if_complete(learner, module.id)
    revoke_certificate(factory.user(roles=("organiser",)), certificate, "Privat grunn: juks")
    certificate.revoked_at = utcnow() - timedelta(days=3)
    db.session.commit()
    page = client.get(
        f"/certificates/{certificate.code}", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    from lms.core.dates import format_date

    with client.application.test_request_context(headers={"Accept-Language": "en"}):
        revoked_on = format_date(certificate.revoked_at)
    assert f"revoked on {revoked_on}" in page and "is valid" not in page
    assert "juks" not in page


# --- revoking and downloading: who may ------------------------------------------------

ROLES = ("anonymous", "holder", "participant", "other_instructor", "instructor", "organiser")
MAY_REVOKE = {"instructor", "organiser"}
MAY_DOWNLOAD = {"holder", "instructor", "organiser"}


@pytest.fixture
def issued(factory):
    teacher = factory.user("teacher@example.no", roles=("instructor",))
    learner, module = completed(factory, instructor=teacher)
    [certificate] = issue_certificates_if_complete(learner, module.id)
    db.session.commit()
    people = {
        "holder": learner,
        "participant": factory.user(),
        "other_instructor": factory.user(roles=("instructor",)),
        "instructor": teacher,
        "organiser": factory.user(roles=("organiser",)),
    }
    return certificate, people


@pytest.mark.parametrize("role", ROLES)
def test_revoke_permission_matrix(client, login, issued, role):
    certificate, people = issued
    if role != "anonymous":
        login(people[role])
    path = f"/certificates/{certificate.code}/revoke"
    page = client.get(path)
    form_page = "/login" if role == "anonymous" else "/"
    response = post_form(client, path, {"reason": "Feil person"}, form_page=form_page)
    db.session.expire_all()
    revoked = db.session.get(Certificate, certificate.id).revoked_at is not None
    if role == "anonymous":
        assert page.status_code == response.status_code == 302 and not revoked
    elif role in MAY_REVOKE:
        assert page.status_code == 200 and response.status_code == 302 and revoked
        after = client.get(f"/certificates/{certificate.code}").get_data(as_text=True)
        assert "Tilbakekalt" in after
    else:
        assert page.status_code == response.status_code == 404 and not revoked


def test_revoke_needs_a_reason_and_happens_once(client, login, issued):
    certificate, people = issued
    login(people["organiser"])
    path = f"/certificates/{certificate.code}/revoke"
    assert post_form(client, path, {"reason": "  "}, form_page=path).status_code == 400
    assert db.session.get(Certificate, certificate.id).revoked_at is None
    with pytest.raises(PermissionDenied):
        revoke_certificate(people["other_instructor"], certificate, "Nei")
    revoke_certificate(people["organiser"], certificate, "Feil")
    with pytest.raises(LearningError, match="already_revoked"):
        revoke_certificate(people["organiser"], certificate, "Igjen")


@pytest.mark.parametrize("role", ROLES)
def test_pdf_download_permission_matrix(client, login, issued, role):
    certificate, people = issued
    if role != "anonymous":
        login(people[role])
    response = client.get(f"/me/certificates/{certificate.code}.pdf")
    if role == "anonymous":
        assert response.status_code == 302
    elif role in MAY_DOWNLOAD:
        assert response.status_code == 200 and response.content_type == "application/pdf"
        assert response.data.startswith(b"%PDF-")
    else:
        assert response.status_code == 404


# --- a course ----------------------------------------------------------------------------


def test_course_certificate_on_the_check_in_that_completes_it(factory):
    course = factory.offering("Kurs i ansvarlige anskaffelser", kind="course", sessions=2)
    learner, module = completed(factory)
    link(module, course)
    db.session.add(CourseRule(offering_id=course.id, min_attendance_percent=100))
    registrations.register(learner, course.id)
    for number, session in enumerate(course.sessions):
        session.starts_at = utcnow() - timedelta(days=1 - number, hours=1)
        session.ends_at = session.starts_at + timedelta(hours=2)
    db.session.commit()
    [mine] = issue_certificates_if_complete(learner, module.id)
    assert mine.module_id == module.id, "the module's; the course waits for attendance"
    organiser = factory.user(roles=("organiser",))
    registration = registration_of(learner, course)
    check_in_session(organiser, registration, course.sessions[0])
    assert count_certificates() == 1
    check_in_session(organiser, registration, course.sessions[1])
    db.session.commit()
    course_certificate = db.session.scalar(
        select(Certificate).where(Certificate.offering_id == course.id)
    )
    assert course_certificate.title == "Kurs i ansvarlige anskaffelser"
    assert course_certificate.user_id == learner.id


# --- the PDF, read back -----------------------------------------------------------------


def layout_text(html: str) -> tuple[str, list]:
    """The text WeasyPrint laid out on the pages of ``html``, and the pages."""
    document = HTML(string=html).render()
    texts: list[str] = []

    def walk(box):
        if getattr(box, "text", None):
            texts.append(box.text)
        for child in getattr(box, "children", None) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(texts), document.pages


def pdf_link_targets(pdf: bytes) -> list[str]:
    """The URIs of the PDF's link annotations (read from its object streams, inflated)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return [m.decode() for part in parts for m in re.findall(rb"/URI \(([^)]*)\)", part)]


def qr_matrix_of(data_uri: str) -> list[list[bool]]:
    """The dark modules of a QR PNG, sampled at each module's centre."""
    raw = base64.b64decode(data_uri.split(",", 1)[1])
    image = Image.open(io.BytesIO(raw)).convert("L")
    size = image.width // QR_SCALE - 2 * QR_BORDER

    def centre(n: int) -> int:
        return (QR_BORDER + n) * QR_SCALE + QR_SCALE // 2

    span = range(size)
    return [[image.getpixel((centre(x), centre(y))) < 128 for x in span] for y in span]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nb", ("Kursbevis", "har fullført modulen", "Kode:")),
        ("en", ("Certificate", "has completed the module", "Code:")),
    ],
)
def test_pdf_in_the_learners_language(client, factory, login, language, words):
    learner, module = completed(factory, language=language)
    [certificate] = issue_certificates_if_complete(learner, module.id)
    db.session.commit()
    login(learner)
    response = client.get(f"/me/certificates/{certificate.code}.pdf")
    pdf = response.data
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    with client.application.test_request_context("/"):
        url = verification_url(certificate)
        html = certificate_html(certificate)
        from flask_babel import force_locale

        from lms.core.dates import format_date

        with force_locale(language):
            date = format_date(certificate.issued_at)
    assert url.endswith(f"/certificates/{certificate.code}")
    assert url in pdf_link_targets(pdf), "the verification link is in the PDF itself"
    text, pages = layout_text(html)
    assert len(pages) == 1 and pages[0].width > pages[0].height, "one A4 page, landscape"
    assert round(pages[0].width * 25.4 / 96) == 297
    for expected in (*words, "Åse Ørnes-Lie", "Leverandørkjeder og ILO", date, certificate.code):
        assert expected in text, expected
    qr = re.search(r'<img src="(data:image/png;base64,[^"]+)"', html).group(1)
    expected_matrix = [[bool(v) for v in row] for row in segno.make(url, error="m").matrix]
    assert qr_matrix_of(qr) == expected_matrix, "the QR code encodes the verification URL"


def test_passing_the_last_quiz_through_the_engine_issues_the_certificate(app, factory):
    """The submit service itself calls the issuing rule: no certificate before, one after."""
    from learning_support import SAMPLE_QUESTIONS, make_module
    from progress_support import view_lessons

    from lms.learning.attempts import save_answers, start_attempt, submit_attempt
    from lms.learning.models import QuestionVersion
    from lms.learning.progress_models import Certificate

    learner = factory.user()
    module = make_module()
    view_lessons(learner, module)
    assert db.session.scalar(db.select(db.func.count()).select_from(Certificate)) == 0
    attempt = start_attempt(learner, module.quizzes[0].id)
    rights = {q["text_md"]: q["right"] for q in SAMPLE_QUESTIONS}
    answers = {
        answer.slot: rights[db.session.get(QuestionVersion, answer.question_version_id).text_md]
        for answer in attempt.answers
    }
    save_answers(learner, attempt.id, answers, revision=attempt.revision)
    assert submit_attempt(learner, attempt.id).passed is True
    db.session.commit()
    [certificate] = db.session.scalars(db.select(Certificate)).all()
    assert certificate.user_id == learner.id and certificate.module_id == module.id
