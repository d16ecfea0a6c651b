"""A corpus with planted structure for word embeddings (chapter 5).

Every content word of the corpus is generated from a few hidden *features*: a
person word from its gender and its role (``king`` = male + royal ruler), a city
from its country and the role "capital", a verb form from its meaning and its
tense. Sentences are filled templates whose slots draw context words from pools
tied to those features ("he" for male, "throne" for a ruler, "yesterday" for the
past tense), so by the distributional hypothesis a word's contexts, and hence its
learned vector, are roughly the sum of its features. The analogies that follow
from the construction (``king : queen = man : woman``, ``france : paris = japan :
tokyo``, ``walk : walked = eat : ate``) are returned with the corpus as the answer
key, together with word pairs scored by how many features they share.

Nothing is downloaded: the corpus is drawn from a seeded generator.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from .._validation import check_int

__all__ = ["PlantedCorpus", "analogy_corpus", "PEOPLE", "CAPITALS", "VERBS"]

#: (male, female, role): gender pairs; each role has its own pool of context words.
PEOPLE: tuple[tuple[str, str, str], ...] = (
    ("king", "queen", "ruler"),
    ("prince", "princess", "heir"),
    ("man", "woman", "adult"),
    ("boy", "girl", "child"),
    ("father", "mother", "parent"),
    ("son", "daughter", "offspring"),
    ("brother", "sister", "sibling"),
    ("husband", "wife", "spouse"),
    ("uncle", "aunt", "relative"),
    ("actor", "actress", "performer"),
)

#: (country, capital, language): the language word is shared by both.
CAPITALS: tuple[tuple[str, str, str], ...] = (
    ("france", "paris", "french"),
    ("germany", "berlin", "german"),
    ("italy", "rome", "italian"),
    ("spain", "madrid", "spanish"),
    ("japan", "tokyo", "japanese"),
    ("korea", "seoul", "korean"),
    ("china", "beijing", "chinese"),
    ("russia", "moscow", "russian"),
    ("egypt", "cairo", "arabic"),
    ("greece", "athens", "greek"),
)

#: (present, past, object pool): the objects are shared by both tenses.
VERBS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("walk", "walked", ("dog", "path")),
    ("eat", "ate", ("bread", "soup")),
    ("write", "wrote", ("letter", "poem")),
    ("sing", "sang", ("song", "tune")),
    ("drive", "drove", ("car", "truck")),
    ("paint", "painted", ("picture", "wall")),
    ("build", "built", ("house", "bridge")),
    ("play", "played", ("game", "piano")),
    ("cook", "cooked", ("dinner", "rice")),
    ("drink", "drank", ("tea", "coffee")),
)

_ROLE_WORDS = {
    "ruler": ("throne", "crown", "reign", "kingdom"),
    "heir": ("castle", "royal", "court", "heir"),
    "adult": ("office", "job", "street", "work"),
    "child": ("school", "toy", "playground", "lessons"),
    "parent": ("children", "family", "raised", "home"),
    "offspring": ("parents", "born", "youngest", "eldest"),
    "sibling": ("twin", "siblings", "older", "younger"),
    "spouse": ("married", "wedding", "ring", "honeymoon"),
    "relative": ("nephew", "niece", "visits", "cousins"),
    "performer": ("stage", "film", "role", "theatre"),
}
_GENDER_WORDS = {"male": ("he", "his", "him", "mr"), "female": ("she", "her", "hers", "mrs")}
_COUNTRY_WORDS = ("country", "nation", "border", "government")
_CAPITAL_WORDS = ("city", "capital", "streets", "downtown")
_TENSE_WORDS = {"present": ("today", "now", "often", "usually"), "past": ("yesterday", "ago", "once", "earlier")}
_SUBJECTS = ("i", "we", "they", "you")

_PERSON_TEMPLATES = (
    "the {w} and {g} {r}",
    "{g} is the {w} of the {r}",
    "a {w} with {g} {r}",
    "the {r} of the {w} made {g} happy",
    "we met the {w} near the {r} and {g} smiled",
)
_COUNTRY_TEMPLATES = (
    "{w} is a {r} of {lang} speakers",
    "the {lang} {r} of {w} is large",
    "people in {w} speak {lang}",
    "{cap} is the capital of {w}",
)
_CAPITAL_TEMPLATES = (
    "{w} is a {lang} {r}",
    "the {r} of {w} sound {lang}",
    "people in {w} speak {lang}",
    "{w} is the capital of {country}",
)
_VERB_TEMPLATES = (
    "{s} {w} the {o} {t}",
    "{t} {s} {w} a {o}",
    "{s} {w} the {o} together {t}",
)


@dataclass
class PlantedCorpus:
    """Sentences generated from hidden features, with the answer key.

    Attributes
    ----------
    sentences:
        Token lists, lower case.
    analogies:
        ``(a, b, c, d)`` with ``a : b = c : d`` (so ``d ~ b - a + c``), for every ordered
        pair of distinct pairs within a category.
    categories:
        The category of each analogy: ``"gender"``, ``"capital"`` or ``"tense"``.
    similarity:
        ``(word1, word2, score)`` with ``score`` the Jaccard overlap of the two words'
        feature sets, times 10 (a planted stand-in for human similarity ratings).
    features:
        ``{word: set of feature names}`` for every content word.
    """

    sentences: list[list[str]]
    analogies: list[tuple[str, str, str, str]]
    categories: list[str]
    similarity: list[tuple[str, str, float]]
    features: dict[str, frozenset[str]] = field(repr=False)

    @property
    def n_tokens(self) -> int:
        """Total number of tokens in :attr:`sentences`."""
        return sum(len(s) for s in self.sentences)


def _features() -> dict[str, frozenset[str]]:
    feats: dict[str, frozenset[str]] = {}
    for male, female, role in PEOPLE:
        feats[male] = frozenset({"person", "male", f"role:{role}"})
        feats[female] = frozenset({"person", "female", f"role:{role}"})
    for country, capital, lang in CAPITALS:
        feats[country] = frozenset({"place", "country", f"lang:{lang}"})
        feats[capital] = frozenset({"place", "capital", f"lang:{lang}"})
    for present, past, objects in VERBS:
        feats[present] = frozenset({"verb", "present", f"verb:{present}"})
        feats[past] = frozenset({"verb", "past", f"verb:{present}"})
    return feats


def _analogies() -> tuple[list[tuple[str, str, str, str]], list[str]]:
    quads: list[tuple[str, str, str, str]] = []
    cats: list[str] = []
    groups = {
        "gender": [(m, f) for m, f, _ in PEOPLE],
        "capital": [(c, k) for c, k, _ in CAPITALS],
        "tense": [(p, q) for p, q, _ in VERBS],
    }
    for cat, pairs in groups.items():
        for (a, b), (c, d) in itertools.permutations(pairs, 2):
            quads.append((a, b, c, d))
            cats.append(cat)
    return quads, cats


def _similarity(features: dict[str, frozenset[str]]) -> list[tuple[str, str, float]]:
    words = sorted(features)
    pairs = []
    for w1, w2 in itertools.combinations(words, 2):
        f1, f2 = features[w1], features[w2]
        pairs.append((w1, w2, round(10.0 * len(f1 & f2) / len(f1 | f2), 3)))
    return pairs


def analogy_corpus(n_sentences: int = 6000, seed: int = 0) -> PlantedCorpus:
    """Generate a corpus whose word vectors should solve planted analogies.

    Three categories of content words, each generated from hidden features:

    - people (``king``/``queen``, ``boy``/``girl``, ... 10 pairs): gender x role;
    - places (``france``/``paris``, ``japan``/``tokyo``, ... 10 pairs): country or
      capital x language;
    - verbs (``walk``/``walked``, ``eat``/``ate``, ... 10 pairs): meaning x tense.

    A sentence picks a category (in proportion 2:1:1 for people, places, verbs), one
    word of it and a template, and fills the template's slots from the context pools
    of the word's features.

    Parameters
    ----------
    n_sentences:
        Number of sentences (at least 10). About 7 tokens each.
    seed:
        Seed of the NumPy generator; the same seed gives the same corpus.

    Returns
    -------
    PlantedCorpus
        Sentences, the 270 planted analogies (90 per category), their categories and
        the feature-overlap similarity pairs.

    Example
    -------
    >>> corpus = analogy_corpus(200, seed=0)
    >>> len(corpus.sentences), corpus.analogies[0]
    (200, ('king', 'queen', 'prince', 'princess'))
    """
    n_sentences = check_int(n_sentences, "n_sentences", minimum=10)
    seed = check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    pick = lambda seq: seq[int(rng.integers(len(seq)))]  # noqa: E731
    sentences: list[list[str]] = []
    for kind in rng.choice(3, size=n_sentences, p=[0.5, 0.25, 0.25]):
        if kind == 0:
            male, female, role = pick(PEOPLE)
            female_side = bool(rng.integers(2))
            word = female if female_side else male
            g = pick(_GENDER_WORDS["female" if female_side else "male"])
            text = pick(_PERSON_TEMPLATES).format(w=word, g=g, r=pick(_ROLE_WORDS[role]))
        elif kind == 1:
            index = int(rng.integers(len(CAPITALS)))
            country, capital, lang = CAPITALS[index]
            if rng.integers(2):
                text = pick(_CAPITAL_TEMPLATES).format(w=capital, r=pick(_CAPITAL_WORDS), lang=lang, country=country)
            else:
                text = pick(_COUNTRY_TEMPLATES).format(w=country, r=pick(_COUNTRY_WORDS), lang=lang, cap=capital)
        else:
            present, past, objects = pick(VERBS)
            tense = "past" if rng.integers(2) else "present"
            text = pick(_VERB_TEMPLATES).format(
                w=past if tense == "past" else present, s=pick(_SUBJECTS), o=pick(objects),
                t=pick(_TENSE_WORDS[tense]),
            )
        sentences.append(text.split())
    features = _features()
    quads, cats = _analogies()
    return PlantedCorpus(sentences, quads, cats, _similarity(features), features)
