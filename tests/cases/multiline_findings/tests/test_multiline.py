"""Where findings on multi-line statements and decorated tests are reported, and `# noqa` there.

flake8 honours `# noqa` only on the physical line a finding is reported on: the first line of a
statement, and the `def` line of a decorated test (tests/test_docs.py runs flake8 on this file).
"""

import pytest

from tests.client import ProfileClient


@pytest.mark.asyncio
async def test_call_spanning_three_lines_is_reported_on_its_first_line():
    client = ProfileClient()
    client.fetch_profile_page(  # error: ASYNC600
        user_id=1,
        include_history=True,
        page_size=50,
    )


@pytest.mark.asyncio
async def test_noqa_on_the_first_line_silences_it():
    client = ProfileClient()
    client.fetch_profile_page(  # noqa: ASYNC600  # error: ASYNC600
        user_id=1,
        include_history=True,
        page_size=50,
    )


@pytest.mark.asyncio
async def test_noqa_on_the_last_line_does_not():
    client = ProfileClient()
    client.fetch_profile_page(  # error: ASYNC600
        user_id=1,
        include_history=True,
        page_size=50,
    )  # noqa: ASYNC600


@pytest.mark.parametrize("user_id", [1, 2])
@pytest.mark.parametrize("page_size", [10])
async def test_decorated_unmarked_test_is_reported_on_its_def_line(user_id, page_size):  # error: ASYNC500
    assert user_id


@pytest.mark.parametrize("user_id", [1])
async def test_decorated_noqa_on_the_def_line(user_id):  # noqa: ASYNC500  # error: ASYNC500
    assert user_id


@pytest.mark.parametrize("user_id", [1])  # noqa: ASYNC500
async def test_decorated_noqa_on_the_decorator_does_not(user_id):  # error: ASYNC500
    assert user_id
