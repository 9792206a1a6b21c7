"""Imports every model module, so ``db.metadata`` knows every table (for Alembic)."""

from lms.accounts import models as accounts_models  # noqa: F401
from lms.events import models as events_models  # noqa: F401
from lms.mail import models as mail_models  # noqa: F401
from lms.registrations import models as registrations_models  # noqa: F401
