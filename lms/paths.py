"""Where the LMS keeps its files outside the Python package."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
TEMPLATE_DIR = PROJECT_DIR / "templates"
MIGRATIONS_DIR = PROJECT_DIR / "migrations"
TRANSLATIONS_DIR = PACKAGE_DIR / "translations"
STATIC_DIR = PACKAGE_DIR / "static"
COURSES_DIR = PROJECT_DIR / "courses"
