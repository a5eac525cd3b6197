"""The hotline's records in the admin site: read-only lists for looking things up (every change goes through the
pages and their services, which audit it)."""
