"""The semi-annual results report on the six promises (SPEC §9)."""
