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

__all__ = [
    "PlantedCorpus",
    "analogy_corpus",
    "PEOPLE",
    "CAPITALS",
    "VERBS",
    "korean_corpus",
    "KOREAN_PEOPLE",
    "KOREAN_CAPITALS",
    "KOREAN_VERBS",
]

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


#: The most sentences one call generates (a Python list of token lists); the book uses 3,000 to 6,000.
MAX_SENTENCES = 10**6


def _features() -> dict[str, frozenset[str]]:
    feats: dict[str, frozenset[str]] = {}
    for male, female, role in PEOPLE:
        feats[male] = frozenset({"person", "male", f"role:{role}"})
        feats[female] = frozenset({"person", "female", f"role:{role}"})
    for country, capital, lang in CAPITALS:
        feats[country] = frozenset({"place", "country", f"lang:{lang}"})
        feats[capital] = frozenset({"place", "capital", f"lang:{lang}"})
    for present, past, _objects in VERBS:
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
    n_sentences = check_int(n_sentences, "n_sentences", minimum=10, maximum=MAX_SENTENCES)
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


# ---------------------------------------------------------------- Korean

#: (male, female, role context words): Korean gender pairs with the nouns of their role.
KOREAN_PEOPLE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("왕", "여왕", ("왕좌", "왕관", "신하")),
    ("왕자", "공주", ("성", "궁궐", "후계자")),
    ("남자", "여자", ("회사", "직장", "거리")),
    ("소년", "소녀", ("학교", "장난감", "운동장")),
    ("아버지", "어머니", ("가족", "자녀", "집안")),
    ("아들", "딸", ("부모", "막내", "맏이")),
    ("남편", "아내", ("결혼", "반지", "신혼")),
    ("배우", "여배우", ("무대", "영화", "배역")),
)

#: (country, capital, language): the language word goes with both.
KOREAN_CAPITALS: tuple[tuple[str, str, str], ...] = (
    ("한국", "서울", "한국어"),
    ("일본", "도쿄", "일본어"),
    ("중국", "베이징", "중국어"),
    ("프랑스", "파리", "프랑스어"),
    ("독일", "베를린", "독일어"),
    ("영국", "런던", "영어"),
    ("러시아", "모스크바", "러시아어"),
    ("이집트", "카이로", "아랍어"),
)

#: (dictionary form, present form, past form, objects): a verb's forms share one stem morpheme.
KOREAN_VERBS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("먹다", "먹는다", "먹었다", ("밥", "빵")),
    ("마시다", "마신다", "마셨다", ("물", "커피")),
    ("읽다", "읽는다", "읽었다", ("책", "신문")),
    ("쓰다", "쓴다", "썼다", ("편지", "일기")),
    ("부르다", "부른다", "불렀다", ("노래", "이름")),
    ("만들다", "만든다", "만들었다", ("의자", "상자")),
)

_KO_GENDER = {"male": ("그는", "그의", "남성"), "female": ("그녀는", "그녀의", "여성")}
_KO_TIME = {"present": ("오늘", "지금", "자주"), "past": ("어제", "작년에", "예전에")}
_KO_SUBJECTS = ("나는", "우리는", "친구는", "동생은")


def _has_batchim(word: str) -> bool:
    code = ord(word[-1]) - 0xAC00
    return 0 <= code < 11172 and code % 28 != 0


def _josa(word: str, with_batchim: str, without: str) -> str:
    """Attach the particle form that fits the last syllable: 왕+은, 공주+는."""
    return word + (with_batchim if _has_batchim(word) else without)


def korean_corpus(n_sentences: int = 3000, seed: int = 0) -> list[str]:
    """Korean sentences generated from hidden features, for morpheme embeddings (chapter 5).

    The same construction as :func:`analogy_corpus`, in Korean and as raw text: a person word
    (:data:`KOREAN_PEOPLE`) appears with a gender pronoun (그는/그녀는) and nouns of its role, a
    country or capital (:data:`KOREAN_CAPITALS`) with its language and "나라"/"수도" words, a verb
    (:data:`KOREAN_VERBS`) in the present or past with its objects and a time word. Particles
    (은/는, 이/가, 을/를) follow the last syllable's final consonant, and verbs are inflected, so
    the sentences must be split into morphemes before training (the verb forms 먹는다 and 먹었다
    share the stem 먹). Proportions 2:1:1 for people, places, verbs. Seeded; nothing downloaded.

    Example
    -------
    >>> korean_corpus(3, seed=0)  # doctest: +SKIP
    """
    n_sentences = check_int(n_sentences, "n_sentences", minimum=1, maximum=MAX_SENTENCES)
    seed = check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    pick = lambda seq: seq[int(rng.integers(len(seq)))]  # noqa: E731
    out: list[str] = []
    for kind in rng.choice(3, size=n_sentences, p=[0.5, 0.25, 0.25]):
        if kind == 0:
            male, female, roles = pick(KOREAN_PEOPLE)
            is_female = bool(rng.integers(2))
            w = female if is_female else male
            g = _KO_GENDER["female" if is_female else "male"]
            r1, r2 = pick(roles), pick(roles)
            text = pick((  # one of four templates (filled eagerly: no draw from rng)
                f"{_josa(w, '은', '는')} {r1}에서 {g[1]} {_josa(r2, '을', '를')} 보았다.",
                f"{g[0]} {_josa(r1, '이', '가')} 있는 {w}{'이다' if _has_batchim(w) else '다'}.",
                f"{g[2]}인 {_josa(w, '이', '가')} {r1}에 왔다.",
                f"우리는 {r1}에서 {_josa(w, '을', '를')} 만났고 {g[0]} 웃었다.",
            ))
        elif kind == 1:
            country, capital, lang = pick(KOREAN_CAPITALS)
            text = pick((
                f"{_josa(country, '은', '는')} {_josa(lang, '을', '를')} 쓰는 나라이다.",
                f"{country} 정부는 국경을 지켰다.",
                f"{_josa(capital, '은', '는')} {lang}{'이' if _has_batchim(lang) else ''} 들리는 도시이다.",
                f"{capital}의 거리와 시내는 {country}의 수도답다.",
            ))
        else:
            _dict, present, past, objects = pick(KOREAN_VERBS)
            tense = "past" if rng.integers(2) else "present"
            verb = past if tense == "past" else present
            text = f"{pick(_KO_SUBJECTS)} {pick(_KO_TIME[tense])} {_josa(pick(objects), '을', '를')} {verb}."
        out.append(text)
    return out
