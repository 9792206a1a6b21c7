"""Demo content for ``flask lms load-demo``: idempotent, safe to run on every start."""

from __future__ import annotations

from lms.accounts import services

DEMO_PASSWORD = "demo-password"  # noqa: S105  (published demo login, not a secret)
DEMO_USERS = (
    ("participant@demo.lms", "participant", "Pia Deltaker"),
    ("instructor@demo.lms", "instructor", "Ivar Instruktør"),
    ("organiser@demo.lms", "organiser", "Olga Arrangør"),
    ("admin@demo.lms", "admin", "Ada Administrator"),
)


def load_demo_data() -> int:
    """Create the demo users that do not exist yet; return how many were created."""
    created = 0
    for email, role, name in DEMO_USERS:
        if services.find_user_by_email(email) is not None:
            continue
        services.create_user(
            email,
            DEMO_PASSWORD,
            name,
            organisation="Demokommunen",
            job_title="Innkjøper",
            roles=() if role == "participant" else (role,),
            verified=True,
        )
        created += 1
    return created
