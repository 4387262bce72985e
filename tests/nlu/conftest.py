"""Fixtures for the question-answering engine tests."""

from __future__ import annotations

import pytest

from bot.nlu import Recognizer

from .support import KNOWLEDGE_DIR


@pytest.fixture(scope="session")
def recognizer() -> Recognizer:
    return Recognizer.load(KNOWLEDGE_DIR)


@pytest.fixture
def fresh_recognizer() -> Recognizer:
    """A recognizer of its own, for tests that change it."""
    return Recognizer.load(KNOWLEDGE_DIR)
