"""Löfte – follow-up of the cancer promises for Sweden's Regional Cancer Centres."""

__version__ = "0.1.0"
