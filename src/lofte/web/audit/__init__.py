"""The audit log. Record events with :func:`lofte.web.audit.service.record`."""
