import pytest

from members.vocabulary import vocabulary_seed


@pytest.fixture(autouse=True)
def _vocabulary(db):
    # Migration 0005 seeds it; a test that flushed the database before this one took it away.
    vocabulary_seed()
