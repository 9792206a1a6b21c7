"""Participants' learning pages: the module list, a module, its lessons (read by anyone,
views recorded for those signed in), and taking a quiz through forms alone."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

from learning_support import make_module
from sqlalchemy import select

from lms.extensions import db
from lms.learning.models import Lesson
from lms.learning.progress_models import LessonView
from lms.learning.publishing import publish


class Page(HTMLParser):
    """The elements of a page, and its text without markup."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.elements if name == tag]

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def get_page(client, path: str, status: int = 200) -> Page:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return Page(response.get_data(as_text=True))


# --- the list of modules ------------------------------------------------------------------


def test_the_list_shows_published_modules_filtered_by_theme_and_language(client):
    make_module(title="Leverandørkjeder")
    climate = make_module(title="Klimakrav", published=False)
    climate.themes = ["climate_environment"]
    climate.language = "en"
    publish(None, climate, check_permission=False)
    draft = make_module(title="Utkast", published=False)
    db.session.commit()

    page = get_page(client, "/learning")
    assert "Leverandørkjeder" in page.words and "Klimakrav" in page.words
    assert draft.title not in page.words  # never published
    links = [a["href"] for a in page.all("a")]
    assert f"/learning/{climate.slug}" in links

    page = get_page(client, "/learning?theme=climate_environment")
    assert "Klimakrav" in page.words and "Leverandørkjeder" not in page.words
    page = get_page(client, "/learning?language=nb")
    assert "Leverandørkjeder" in page.words and "Klimakrav" not in page.words
    page = get_page(client, "/learning?theme=nonsense", status=400)
    assert "Leverandørkjeder" in page.words  # not filtered by what means nothing


def test_the_list_reads_the_published_version_not_the_working_copy(client):
    module = make_module(title="Publisert tittel")
    module.title = "Uferdig ny tittel"
    db.session.commit()
    words = get_page(client, "/learning").words
    assert "Publisert tittel" in words and "Uferdig" not in words
    words = get_page(client, f"/learning/{module.slug}").words
    assert "Publisert tittel" in words and "Uferdig" not in words


# --- a module and its lessons ---------------------------------------------------------------


def test_module_page_lists_objectives_lessons_in_order_and_quizzes(client):
    module = make_module(lessons=3)
    page = get_page(client, f"/learning/{module.slug}")
    assert "Know the act." in page.words
    lesson_links = [a["href"] for a in page.all("a") if "/lessons/" in a["href"]]
    assert lesson_links == [f"/learning/{module.slug}/lessons/lesson-{n}" for n in (1, 1, 2, 3)]
    assert f"/learning/{module.slug}/quizzes/quiz" in [a["href"] for a in page.all("a")]
    assert get_page(client, "/learning/no-such-module", status=404)


def test_an_unpublished_or_archived_module_is_not_found(client):
    draft = make_module(published=False)
    get_page(client, f"/learning/{draft.slug}", status=404)
    archived = make_module()
    archived.status = "archived"
    db.session.commit()
    get_page(client, f"/learning/{archived.slug}", status=404)
    get_page(client, f"/learning/{archived.slug}/lessons/lesson-1", status=404)


def test_lesson_renders_images_files_and_video_links_and_moves_on(client):
    module = make_module(lessons=2, published=False)
    module.lessons[0].body_md = (
        "# Åpenhetsloven\n\n![Kart over kjeden](files/kart.png)\n\n"
        "[Last ned klausulen](files/klausul.docx)\n\n"
        "[Film om aktsomhet](https://www.youtube.com/watch?v=abc)\n\n"
        "<script>alert(1)</script>"
    )
    publish(None, module, check_permission=False)
    db.session.commit()
    page = get_page(client, f"/learning/{module.slug}/lessons/lesson-1")
    assert {"src": f"/learning/{module.slug}/files/kart.png", "alt": "Kart over kjeden"} in [
        {k: v for k, v in img.items() if k in ("src", "alt")} for img in page.all("img")
    ]
    hrefs = [a.get("href") for a in page.all("a")]
    assert f"/learning/{module.slug}/files/klausul.docx" in hrefs
    assert f"/learning/{module.slug}/lessons/lesson-2" in hrefs  # the next lesson
    assert "YouTube" in page.words and not page.all("iframe")
    assert not page.all("script") or all(s.get("src") for s in page.all("script"))
    assert [h for h in page.elements if h[0] == "h2"]  # "#" sits below the page's h1

    page = get_page(client, f"/learning/{module.slug}/lessons/lesson-2")
    hrefs = [a.get("href") for a in page.all("a")]
    assert f"/learning/{module.slug}/lessons/lesson-1" in hrefs  # the one before
    get_page(client, f"/learning/{module.slug}/lessons/nope", status=404)


def _views(user) -> list[LessonView]:
    db.session.expire_all()
    return list(db.session.scalars(select(LessonView).where(LessonView.user_id == user.id)))


def test_a_lesson_view_is_recorded_once_and_its_last_time_moves(client, factory, login):
    module = make_module()
    reader = factory.user()
    login(reader)
    path = f"/learning/{module.slug}/lessons/lesson-1"
    get_page(client, path)
    [view] = _views(reader)
    first = view.first_viewed_at
    view.first_viewed_at = view.last_viewed_at = first - timedelta(hours=1)
    db.session.commit()
    get_page(client, path)
    [view] = _views(reader)
    assert view.first_viewed_at == first - timedelta(hours=1)  # kept
    assert view.last_viewed_at > first - timedelta(minutes=1)  # moved on to now
    lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.key == "lesson-1"))
    assert view.lesson_id == lesson_id

    page = get_page(client, f"/learning/{module.slug}")
    assert "progress" in [tag for tag, _ in page.elements]  # the module shows progress
    lesson_links = [a["href"] for a in page.all("a") if "/lessons/" in a["href"]]
    assert lesson_links[0] == f"/learning/{module.slug}/lessons/lesson-2", "continue: not read"


def test_anonymous_visitors_read_lessons_and_nothing_is_recorded(client):
    module = make_module()
    get_page(client, f"/learning/{module.slug}/lessons/lesson-1")
    assert db.session.scalar(select(LessonView)) is None


def test_anonymous_visitors_cannot_open_a_quiz(client):
    module = make_module()
    response = client.get(f"/learning/{module.slug}/quizzes/quiz")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_a_newcomer_starts_with_the_pre_test_and_then_the_lessons(client, factory, login):
    module = make_module(purpose="pretest")
    quiz_link = f'href="/learning/{module.slug}/quizzes/quiz"'
    assert quiz_link in client.get(f"/learning/{module.slug}").get_data(as_text=True)
    learner = factory.user()
    login(learner)
    page = client.get(f"/learning/{module.slug}").get_data(as_text=True)
    assert quiz_link in page and "Begynn: Final quiz" in page
    client.get(f"/learning/{module.slug}/lessons/lesson-1")
    page = client.get(f"/learning/{module.slug}").get_data(as_text=True)
    assert f'href="/learning/{module.slug}/lessons/lesson-2"' in page
