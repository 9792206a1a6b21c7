"""Accounts: sign-up, verification, login, password reset, profile, roles, API tokens."""
