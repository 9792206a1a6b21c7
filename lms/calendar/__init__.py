"""Calendar files: per-offering .ics, the personal feed, and .ics mail attachments."""
