"""Cleaning and tokenisation: white space, punctuation, rules, and Korean morphemes.

There is no single correct way to cut text into tokens; each method here is one
choice, and a task decides which one fits (chapter 4 compares them).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Sequence

from .._validation import check_choice, check_type

__all__ = [
    "TOKENIZE_METHODS",
    "ENGLISH_STOPWORDS",
    "KOREAN_STOP_TAGS",
    "tokenize",
    "korean_morphemes",
    "remove_stopwords",
]

#: The methods :func:`tokenize` accepts.
TOKENIZE_METHODS = ("whitespace", "punctuation", "rule", "morpheme")

# Words that carry grammar rather than topic: articles, pronouns, auxiliaries,
# prepositions, conjunctions. A short list written for the book; libraries ship longer ones.
ENGLISH_STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your
    yours yourself yourselves 's n't 're 've 'll 'd 'm
    """.split()
)

# Tag prefixes of the Sejong tag set (used by kiwipiepy) that mark grammatical
# morphemes: J = particles (조사), E = endings (어미), XS = suffixes (접미사).
KOREAN_STOP_TAGS = ("J", "E", "XS")

# Rule tokenizer (in the spirit of the Penn Treebank tokenizer): a word may end in
# a clitic such as n't, 's, 're; every punctuation character is its own token.
_CLITIC = r"(?:n't|N'T|'s|'S|'re|'RE|'ve|'VE|'ll|'LL|'d|'D|'m|'M)"
_RULE = re.compile(
    rf"[^\W_]+?(?={_CLITIC}\b)"  # a word stem followed by a clitic: "Is" in "Isn't"
    rf"|{_CLITIC}\b"  # the clitic itself: "n't", "'s"
    r"|[^\W_]+(?:[-'][^\W_]+)*"  # an ordinary word, inner hyphens/apostrophes kept: "state-of-the-art"
    r"|[^\w\s]|_",  # any other non-space character is a token by itself
    flags=re.UNICODE,
)
_PUNCT = re.compile(r"[^\W_]+|[^\w\s]|_", flags=re.UNICODE)


def tokenize(text: str, method: str = "whitespace", *, lower: bool = False) -> list[str]:
    r"""Split ``text`` into tokens.

    ``method`` is one of

    ``"whitespace"``
        split at spaces, tabs and newlines; in Korean this gives 어절 (eojeol).
    ``"punctuation"``
        runs of letters/digits are tokens and every punctuation mark is a token, so
        ``"Let's"`` becomes ``Let``, ``'``, ``s``.
    ``"rule"``
        like ``"punctuation"``, but English clitics are split off as units and
        hyphenated words stay whole: ``"Isn't"`` becomes ``Is``, ``n't`` and
        ``"Let's"`` becomes ``Let``, ``'s`` (the Penn Treebank convention).
    ``"morpheme"``
        the forms of the morphemes (형태소) found by the Korean analyser
        (:func:`korean_morphemes`, needs ``kiwipiepy``).

    Args:
        text: the text to split.
        method: one of :data:`TOKENIZE_METHODS`.
        lower: fold case (``str.lower``) before splitting.

    Returns:
        The tokens, in order. Joining them does not restore ``text`` (spaces are lost).

    Example:
        >>> tokenize("Let's tokenize! Isn't this easy?", method="rule")
        ['Let', "'s", 'tokenize', '!', 'Is', "n't", 'this', 'easy', '?']
    """
    check_type(text, "text", str)
    check_choice(method, "method", TOKENIZE_METHODS)
    check_type(lower, "lower", bool)
    if lower:
        text = text.lower()
    if method == "whitespace":
        return text.split()
    if method == "punctuation":
        return _PUNCT.findall(text)
    if method == "rule":
        return _RULE.findall(text)
    return [form for form, _ in korean_morphemes(text)]


@lru_cache(maxsize=1)
def _kiwi() -> Any:
    try:
        from kiwipiepy import Kiwi
    except ImportError as exc:
        raise ImportError(
            "korean_morphemes needs the Korean morphological analyser kiwipiepy; "
            "install it with: pip install 'dlcourse[nlp]'  (or: pip install kiwipiepy)"
        ) from exc
    return Kiwi()


def korean_morphemes(text: str) -> list[tuple[str, str]]:
    r"""Analyse Korean ``text`` into morphemes with kiwipiepy.

    Each 어절 (space-separated unit) is split into morphemes (형태소), the smallest
    units with meaning, each tagged with its part of speech in the Sejong tag set:
    ``NNG`` common noun, ``NNP`` proper noun, ``VV`` verb, ``J*`` particles (조사),
    ``E*`` endings (어미), ``XS*`` suffixes (접미사), ``S*`` symbols.

    Args:
        text: Korean (or mixed) text.

    Returns:
        ``[(form, tag), ...]`` in order. Forms are the dictionary forms the analyser
        restores (``갔다`` gives ``가``, ``었``, ``다``).

    Raises:
        ImportError: with the install command when kiwipiepy is missing.

    Example:
        >>> korean_morphemes("학교에 갔다")
        [('학교', 'NNG'), ('에', 'JKB'), ('가', 'VV'), ('었', 'EP'), ('다', 'EF')]
    """
    check_type(text, "text", str)
    return [(token.form, token.tag) for token in _kiwi().tokenize(text)]


def remove_stopwords(
    tokens: Sequence[Any],
    language: str = "english",
    *,
    stopwords: Iterable[str] | None = None,
) -> list[Any]:
    r"""Drop tokens that carry grammar rather than content.

    ``language="english"``: ``tokens`` are strings; a token is dropped when its
    lower-case form is in ``stopwords`` (default :data:`ENGLISH_STOPWORDS`).

    ``language="korean"``: ``tokens`` are ``(form, tag)`` pairs from
    :func:`korean_morphemes`; a pair is dropped when its tag starts with one of
    ``stopwords`` (default :data:`KOREAN_STOP_TAGS`: particles 조사, endings 어미,
    suffixes 접미사).

    Returns:
        A new list with the kept tokens, in their original order.

    Example:
        >>> remove_stopwords(["The", "cat", "is", "on", "the", "mat"])
        ['cat', 'mat']
        >>> remove_stopwords([("학교", "NNG"), ("에", "JKB")], "korean")
        [('학교', 'NNG')]
    """
    check_choice(language, "language", ("english", "korean"))
    if isinstance(tokens, str):
        raise TypeError(
            f"tokens must be a list of tokens, not one string; got {tokens!r:.60}. "
            "Tokenise first, e.g. remove_stopwords(tokenize(text))."
        )
    if not isinstance(tokens, (list, tuple)):
        raise TypeError(f"tokens must be a list of tokens; got {type(tokens).__name__} ({tokens!r:.40}).")
    tokens = list(tokens)
    if language == "english":
        words = ENGLISH_STOPWORDS if stopwords is None else frozenset(w.lower() for w in stopwords)
        for i, token in enumerate(tokens):
            if not isinstance(token, str):
                raise TypeError(f"tokens[{i}] must be a str for language='english'; got {type(token).__name__}.")
        return [t for t in tokens if t.lower() not in words]
    prefixes = tuple(KOREAN_STOP_TAGS if stopwords is None else stopwords)
    for i, token in enumerate(tokens):
        if not (isinstance(token, tuple) and len(token) == 2):
            raise TypeError(
                f"tokens[{i}] must be a (form, tag) pair for language='korean' (from korean_morphemes); "
                f"got {token!r:.60}."
            )
    return [(form, tag) for form, tag in tokens if not tag.startswith(prefixes)]
