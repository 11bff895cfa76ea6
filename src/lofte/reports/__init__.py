"""The semi-annual results report on the six promises (SPEC §9): model, charts, renderings."""
