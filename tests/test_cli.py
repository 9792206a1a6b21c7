"""``flask lms …``: create-user, create-token and load-demo."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import conftest
import pytest
from accounts_support import TEST_PASSWORD, post_form, reload_user

from lms.accounts.models import User
from lms.accounts.passwords import verify_password
from lms.demo import DEMO_PARTICIPANTS, DEMO_PASSWORD, DEMO_USERS
from lms.demo.conference import ATTENDEES
from lms.extensions import db

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi", "lms"]


def create_user(runner, *args, password=TEST_PASSWORD):
    return runner.invoke(args=["lms", "create-user", *args], input=f"{password}\n")


@pytest.mark.parametrize("role", ["participant", "instructor", "organiser", "admin"])
def test_create_user_with_a_role_reads_the_password_from_stdin(runner, role):
    result = create_user(runner, "Ola@Example.no", "--role", role, "--name", "Ola")
    assert result.exit_code == 0, result.output
    assert TEST_PASSWORD not in result.output
    user = reload_user("ola@example.no")
    assert user.name == "Ola"
    assert user.is_verified, "a user made from the shell needs no e-mail confirmation"
    assert user.role_names == {"participant", role}
    assert verify_password(user.password_hash, TEST_PASSWORD)
    assert user.password_hash.startswith("$argon2id$")


def test_a_user_made_from_the_shell_can_log_in_at_once(runner, client):
    create_user(runner, "ola@example.no")
    response = post_form(client, "/login", {"email": "ola@example.no", "password": TEST_PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "args",
    [
        ["ola@example.no", TEST_PASSWORD],
        ["ola@example.no", "--password", TEST_PASSWORD],
        ["ola@example.no", f"--password={TEST_PASSWORD}"],
    ],
)
def test_the_password_is_never_taken_from_argv(runner, args):
    result = runner.invoke(args=["lms", "create-user", *args], input="")
    assert result.exit_code == 2
    assert reload_user("ola@example.no") is None


def test_a_short_password_is_refused(runner):
    result = create_user(runner, "ola@example.no", password="short")
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output
    assert reload_user("ola@example.no") is None


def test_an_empty_stdin_is_refused(runner):
    result = runner.invoke(args=["lms", "create-user", "ola@example.no"], input="")
    assert result.exit_code == 1
    assert reload_user("ola@example.no") is None


def test_an_existing_email_is_refused(runner, factory):
    factory.user("ola@example.no")
    result = create_user(runner, "OLA@example.no", "--role", "admin")
    assert result.exit_code == 1
    assert "already has an account" in result.output
    assert reload_user("ola@example.no").role_names == {"participant"}


def test_an_unknown_role_is_refused(runner):
    result = create_user(runner, "ola@example.no", "--role", "superuser")
    assert result.exit_code == 2
    assert reload_user("ola@example.no") is None


def test_create_token_prints_the_token_as_the_last_word(runner, factory, client):
    user = factory.user("ola@example.no", roles=("organiser",))
    result = runner.invoke(args=["lms", "create-token", "ola@example.no", "--name", "ci"])
    assert result.exit_code == 0, result.output
    raw = result.output.split()[-1]
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json["id"] == user.id
    assert "organiser" in response.json["roles"]


def test_create_token_for_an_unknown_user_fails(runner):
    result = runner.invoke(args=["lms", "create-token", "nobody@example.no"])
    assert result.exit_code == 1
    assert "No user" in result.output


@pytest.mark.slow
def test_load_demo_is_idempotent(runner, client):
    first = runner.invoke(args=["lms", "load-demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["lms", "load-demo"])
    assert second.exit_code == 0, second.output
    assert "(0 new users)" in second.output

    db.session.expire_all()
    users = db.session.scalars(db.select(User)).all()
    # + the people who fill seats, and the conference's attendees
    assert len(users) == len(DEMO_USERS) + len(DEMO_PARTICIPANTS) + ATTENDEES
    for email, role, _name in DEMO_USERS:
        user = reload_user(email)
        assert user.is_verified
        assert role in user.role_names
        assert email in second.output, "the demo logins are printed"
    assert {role for _e, role, _n in DEMO_USERS} == {
        "participant",
        "instructor",
        "organiser",
        "admin",
    }


@pytest.mark.slow
def test_demo_admin_can_log_in_and_reach_admin_pages(runner, client):
    runner.invoke(args=["lms", "load-demo"])
    admin_email = next(email for email, role, _ in DEMO_USERS if role == "admin")
    post_form(client, "/login", {"email": admin_email, "password": DEMO_PASSWORD})
    assert client.get("/admin/users").status_code == 200


# --- The real command, in a real process ------------------------------------------


def _env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LMS_", "FLASK_"))}
    env.update(
        DATABASE_URL=conftest.database_url(),
        LMS_INSTANCE_PATH=str(tmp_path),
        LMS_ENV="development",
        PYTHONPATH=str(ROOT),
    )
    return env


@pytest.mark.slow
def test_piped_password_in_a_real_process(app, tmp_path):
    """``echo pw | flask lms create-user …``: what a deployment script does."""
    result = subprocess.run(
        [*FLASK, "create-user", "ops@example.no", "--role", "admin"],
        input=f"{TEST_PASSWORD}\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(tmp_path),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    user = reload_user("ops@example.no")
    assert user.is_admin and user.is_verified
    assert verify_password(user.password_hash, TEST_PASSWORD)


def _read_until(fd: int, needle: bytes, timeout: float = 30) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"never saw {needle!r}; got {seen!r}")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    return seen


@pytest.mark.slow
def test_password_prompt_on_a_terminal_hides_and_confirms(app, tmp_path):
    """On a terminal the password is asked twice and never echoed."""
    command = [*FLASK, "create-user", "tty@example.no", "--role", "instructor"]
    env = _env(tmp_path)
    pid, fd = pty.fork()
    if pid == 0:  # the child: a real terminal is its stdin and controlling tty
        try:
            os.chdir(ROOT)
            os.execve(sys.executable, command, env)  # noqa: S606 (no shell wanted)
        finally:
            os._exit(127)  # never fall back into pytest in the child
    try:
        seen = _read_until(fd, b"Password:")
        os.write(fd, f"{TEST_PASSWORD}\n".encode())
        seen += _read_until(fd, b"confirmation:")
        os.write(fd, f"{TEST_PASSWORD}\n".encode())
        seen += _read_until(fd, b"Created")
    finally:
        _pid, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, seen
    assert TEST_PASSWORD.encode() not in seen, "the password is not echoed"
    user = reload_user("tty@example.no")
    assert user.role_names == {"participant", "instructor"} and user.is_verified
