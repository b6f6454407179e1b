"""When two folded names can be one person's: names sharing a contact (a husband and wife giving the family's
phone are two people), and names that match by their words or a near spelling (a slip of the hand is one person,
a syllable changed into another or the same words reordered are two). The duplicate rules of the import and of the
register use both."""
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from diaspora.text import is_folded_syllable

# How alike two names sharing an email or a phone must be at least (rapidfuzz ratio of the sorted words),
# when neither given name is in the other name: "hung"/"hunh" is a slip (93), "an"/"binh" two brothers (86).
SAME_PERSON_NAMES = 90
# A word of a name may differ by one slip (a letter added, dropped, changed or two swapped) from this length on:
# "hungg"/"hung" is a slip, "lam"/"nam" and "an"/"anh" are other names.
SLIP_LENGTH = 4


def same_person_names(folded: str, other: str) -> bool:
    """Whether two folded names can be one person's, when a contact is all they share: one's given name
    (the last word) is among the other's words ("lan nguyen", "nguyen thi lan"), or they differ by a
    slip. A husband and wife, or two brothers, who give the family's phone or email do not."""
    words, other_words = folded.split(), other.split()
    if not words or not other_words:
        return True
    if words[-1] in other_words or other_words[-1] in words:
        return True
    return fuzz.ratio(" ".join(sorted(words)), " ".join(sorted(other_words))) >= SAME_PERSON_NAMES


def _slip(word: str, other: str) -> bool:
    """Whether two words differ by a slip of the hand: a letter typed twice ("hoaa"), or, in words of at least
    SLIP_LENGTH letters that are not both Vietnamese syllables, one letter added, dropped, changed, or two
    swapped ("hunh" / "hung", "schnieder" / "schneider"). One letter between two syllables makes another
    name, not a slip: "huong" / "duong", "tung" / "trung", "hanh" / "thanh"."""
    longer, shorter = (word, other) if len(word) > len(other) else (other, word)
    if len(longer) == len(shorter) + 1 and any(
            longer[index] == longer[index - 1] and longer[:index] + longer[index + 1:] == shorter
            for index in range(1, len(longer))):
        return True
    return (len(shorter) >= SLIP_LENGTH and OSA.distance(word, other) <= 1
            and not (is_folded_syllable(word) and is_folded_syllable(other)))


def names_can_be_one(folded: str, other: str) -> bool:
    """Whether two folded names that match by their words (the same words, or a near spelling) can be one
    person's: the same words in the same order, or turned round (a family name written last: "lan nguyen" /
    "nguyen lan", "tanaka hiroshi" / "hiroshi tanaka"); or words that differ by one slip in a word of at least
    SLIP_LENGTH letters or a letter typed twice, with at most one middle name left out ("tran thi thu huong" /
    "tran thu huongg").
    The same words in another order ("nguyen hai trong" / "nguyen trong hai") or a short word changed
    ("nguyen van lam" / "nguyen van nam") are two people's names."""
    words, other_words = folded.split(), other.split()
    if words == other_words:
        return True
    if sorted(words) == sorted(other_words):
        return any(words == other_words[turn:] + other_words[:turn] for turn in range(1, len(other_words)))
    left, right = list(words), list(other_words)
    for word in words:
        if word in right:
            left.remove(word)
            right.remove(word)
    for word in list(left):
        slip = next((candidate for candidate in right if _slip(word, candidate)), None)
        if slip is not None:
            left.remove(word)
            right.remove(slip)
    if not left and not right:
        return True
    if len(left) + len(right) == 1:  # a word one name has and the other lacks: a middle name, never the ends
        longer = words if left else other_words
        return (left or right)[0] not in (longer[0], longer[-1])
    return False
