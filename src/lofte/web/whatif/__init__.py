"""Staff's *Vad händer om…?* page and *var dagarna går* (issue 16)."""
