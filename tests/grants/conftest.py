from tests.grants.grant_round import grant_round_fixture  # noqa: F401
