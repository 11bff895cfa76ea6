from tests.web.accounts.fixtures import (  # noqa: F401
    admin,
    coordinator,
    immediate_tasks,
    other_coordinator,
    statistician,
)
