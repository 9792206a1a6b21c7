"""Mail: a transactional outbox, rendered bilingual templates, SMTP delivery with retry."""
