import pytest

from harken.workdays import rules


@pytest.fixture(autouse=True)
def _fresh_workdays_cache():
    """Each test starts and ends with nothing cached: a rolled-back test's closure days must
    not leak into the next test (a rollback sends no signal)."""
    rules.clear_cache()
    yield
    rules.clear_cache()
