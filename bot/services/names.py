"""Names as Indonesians write them, compared: spacing and order, the old spelling and the new
(Soeharto / Suharto, Djoko / Joko, Jusuf / Yusuf), the many ways of Muhammad, titles and degrees,
one-word names. Used to find the same person reported twice and the person a family looks for.

`keys` gives the coarse keys that find candidates (stored as keyed hashes: bot.services.duplicates
and bot.services.searches never keep a name's key in clear); `similarity` scores two names with
rapidfuzz. Nothing here reads the database."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz


def _listed(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that are not a name of the person: titles before a name, degrees after it, the "son of" words
TITLES = _listed("h hj haji hajah hajjah dr drs dra ir prof bapak pak ibu bu mas mbak sdr sdri tn ny nn")
DEGREES = _listed("skom spd sh se st ssos sag sip sked sfarm skep amd amk ak mm mba msi mpd mh mt ma bsc phd")
CONNECTORS = _listed("bin binti bt bte bn")
MUHAMMAD = _listed(
    "m mhd moh moch mochamad mochammad mohamad mohammad mohamed muh much muhamad muhammad muhamat "
    "mukhamad mukhammad muchamad muchammad"
)
# The first word of a name written in many ways, and what it is
FIRST_WORDS = {
    **dict.fromkeys(MUHAMMAD, "muhammad"),
    **dict.fromkeys(_listed("abd abdul abdoel"), "abdul"),
    **dict.fromkeys(_listed("ach achmad akhmad ahmad ahmat"), "ahmad"),
}
# The old spelling (before 1972, still in many families' names) and other common variants, in order
SPELLING = (
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("sj", "sy"),
    ("nj", "ny"),
    ("ij", "i"),
    ("ch", "h"),
    ("kh", "h"),
    ("dh", "d"),
    ("th", "t"),
    ("ph", "f"),
    ("q", "k"),
    ("x", "ks"),
    ("v", "f"),
    ("j", "y"),  # the old j is the new y (Jusuf, Surabaja); a key that keeps both alike
)
_DOUBLE = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aeiou]")


def _plain(text: str) -> str:
    """Lower case, accents off, only letters and spaces (dots and commas of titles and degrees too)."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    letters = re.sub(r"(?<=[a-z])\.(?=[a-z])", "", letters)  # S.Kom, A.Md: one word
    return re.sub(r"[^a-z]+", " ", letters).strip()


def words(name: str | None) -> list[str]:
    """The words of a name that name the person, spelled one way."""
    if not name:
        return []
    found: list[str] = []
    raw = _plain(name).split()
    for index, word in enumerate(raw):
        if word in TITLES or word in DEGREES or word in CONNECTORS:
            continue
        if index == 0 or not found:
            word = FIRST_WORDS.get(word, word) if (len(raw) > 1 or len(word) > 1) else word
        found.append(_spelled(word))
    return [w for w in found if w]


def _spelled(word: str) -> str:
    for old, new in SPELLING:
        word = word.replace(old, new)
    if word.endswith("y"):  # Yanty, Hendry
        word = word[:-1] + "i"
    if word.endswith("ie") and len(word) > 3:  # Sofie, Melanie
        word = word[:-1]
    return _DOUBLE.sub(r"\1", word)


def normal(name: str | None) -> str:
    """The name spelled one way, its words in the order given."""
    return " ".join(words(name))


def skeleton(word: str) -> str:
    """A word's first letter and its consonants: Yusuf and Yosuf, Muhamad and Mohammad alike."""
    return word[:1] + _VOWELS.sub("", word[1:]) if word else ""


def keys(name: str | None) -> set[str]:
    """The keys a like name shares with this one: each word's skeleton (two letters or more), and the
    whole name's written as one word (Nur Hidayat, Nurhidayat)."""
    found = words(name)
    return {s for s in (*map(skeleton, found), skeleton("".join(found))) if len(s) >= 2}


@dataclass(frozen=True, slots=True)
class Likeness:
    score: int  # 0-100
    reason: str  # same, spelling, spacing, order, part, close, different


def similarity(a: str | None, b: str | None) -> Likeness:
    """How alike two names are, and why: "same" (as written), "spelling" (the same once spelled one
    way), "spacing" (Nur Hidayat, Nurhidayat), "order" (the same words in another order), "part" (one
    name holds the other: a one-word name, a name left out), "close" (a letter or two apart), else
    "different"."""
    first, second = words(a), words(b)
    if not first or not second:
        return Likeness(0, "different")
    if _plain(a or "") == _plain(b or ""):
        return Likeness(100, "same")
    if first == second:
        return Likeness(97, "spelling")
    if sorted(first) == sorted(second):
        return Likeness(93, "order")
    if "".join(first) == "".join(second):
        return Likeness(95, "spacing")
    one, other = " ".join(first), " ".join(second)
    ordered = fuzz.token_sort_ratio(one, other)
    shorter, longer = sorted((first, second), key=len)
    if len(shorter) < len(longer) and (set(shorter) <= set(longer) or _within(shorter, longer)):
        # "Siti" and "Siti Aminah": likely, not certain (many share a first name)
        return Likeness(max(int(ordered), 80 if len(shorter) > 1 else 70), "part")
    skeletons = sorted(map(skeleton, first)) == sorted(map(skeleton, second))
    score = max(ordered, 90.0 if skeletons else 0.0)
    return Likeness(int(score), "close" if score >= 75 else "different")


def _within(shorter: list[str], longer: list[str]) -> bool:
    """Each word of the shorter name is close to a word of the longer one (Siti Aminah, Sity Aminah Putri)."""
    return all(any(fuzz.ratio(w, v) >= 85 for v in longer) for w in shorter)
