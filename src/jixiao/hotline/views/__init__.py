"""The hotline's pages, one module per concern (see ``services``)."""
