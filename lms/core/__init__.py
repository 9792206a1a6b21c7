"""Core: the page frame, home page, health check, language switch, errors, security."""
