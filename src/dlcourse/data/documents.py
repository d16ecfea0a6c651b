"""A small document collection written for the book (chapter 4's TF-IDF search).

45 short documents on five topics (space, cooking, football, health, computing):
30 in English and 15 in Korean, written for this book and shipped in
``files/documents.json`` (no download).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from .._validation import check_choice

__all__ = ["Document", "DOCUMENT_TOPICS", "load_documents"]

DOCUMENT_TOPICS = ("space", "cooking", "football", "health", "computing")


@dataclass(frozen=True)
class Document:
    """One document of the collection."""

    id: int
    language: str
    topic: str
    title: str
    text: str


def load_documents(language: str | None = None, topic: str | None = None) -> list[Document]:
    """Return the shipped documents, optionally only one language (``"en"``, ``"ko"``) or topic.

    Example
    -------
    >>> docs = load_documents("en")
    >>> len(docs), docs[0].title
    (30, 'The planets and the Sun')
    """
    if language is not None:
        check_choice(language, "language", ("en", "ko"))
    if topic is not None:
        check_choice(topic, "topic", DOCUMENT_TOPICS)
    raw = resources.files("dlcourse.data").joinpath("files", "documents.json").read_text(encoding="utf-8")
    docs = [Document(**item) for item in json.loads(raw)]
    return [d for d in docs if (language is None or d.language == language) and (topic is None or d.topic == topic)]
