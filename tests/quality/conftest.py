import pytest

from tests.reference_data import restore_after_flush


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    restore_after_flush(item)
    return result
