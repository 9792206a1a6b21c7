"""Registrations: capacity, waiting lists, offers, cancellations and attendance."""
