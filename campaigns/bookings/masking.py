"""Contact details stay inside the platform until a contract is signed.

Negotiating in the open protects both sides from scams (fake brands asking artists to "move to
WhatsApp", artists side-stepping the escrow). Every free-text field one side types and the other
reads before signing (messages, offer and counter messages, line notes, decline and cancel
reasons, application pitches) is stored as typed and masked when shown, by `mask_contact_details`.
Whether contacts are visible is decided in one place: campaigns.bookings.selectors.contacts_visible.

How it works: people disguise contacts ("name at gmail dot com", "O6 l2 34 56 78", "zero six
twelve...", "x[.]com"), so the text is first rewritten into *shadows* in which the disguises
become plain (`[at]` → `@`, `。` → `.`, `six` → `6`, `O6` → `06`...). Each shadow keeps, for every
character, the span of the original text it came from, so a contact found in a shadow is masked
in the original text, whole disguise included. Three shadows, from safe to bold:

- *strict*: look-alike characters only (full-width and ideographic dots, `[.]`, `(at)`, `hxxp`,
  zero-width characters); e-mails, links, domains with a known TLD, @handles and app ids.
- *loose*: also the words `at`/`arobase`/`dot`/`point`, spaced-out letters and spaced dots; only
  an e-mail or a domain with a well-known TLD counts there, so "le point de rendez-vous" or
  "meet at the venue" stay as they are.
- *digits*: number words (EN, FR incl. Belgian/Swiss) become digits, O/l become 0/1 next to
  digits, and numbers that are not phones (dates, times, amounts, counts with a unit, years) are
  set aside before runs of 7 digits or more are looked for.

No dependency: `phonenumbers` validates well-formed numbers but finds none of the disguises.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable

from django.utils.translation import gettext_lazy as _

HIDDEN = _("[hidden until the contract is signed]")


# --- shadows: rewritten text that remembers where each character came from ----------------------


class _Shadow:
    """A rewritten text; character i came from original[starts[i]:ends[i]]."""

    __slots__ = ("ends", "starts", "text")

    def __init__(self, text: str, starts: list[int], ends: list[int]) -> None:
        self.text, self.starts, self.ends = text, starts, ends

    @classmethod
    def of(cls, text: str) -> "_Shadow":
        return cls(text, list(range(len(text))), list(range(1, len(text) + 1)))

    def sub(self, pattern: re.Pattern, repl: str | Callable[[re.Match], str]) -> "_Shadow":
        out: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        for m in pattern.finditer(self.text):
            a, b = m.span()
            if a == b:
                continue
            new = repl if isinstance(repl, str) else repl(m)
            if new == m.group(0):
                continue
            out.append(self.text[pos:a])
            starts.extend(self.starts[pos:a])
            ends.extend(self.ends[pos:a])
            out.append(new)
            starts.extend([self.starts[a]] * len(new))
            ends.extend([self.ends[b - 1]] * len(new))
            pos = b
        out.append(self.text[pos:])
        starts.extend(self.starts[pos:])
        ends.extend(self.ends[pos:])
        return _Shadow("".join(out), starts, ends)

    def span(self, a: int, b: int) -> tuple[int, int]:
        """The original span of shadow characters a..b-1."""
        return self.starts[a], self.ends[b - 1]


# --- word lists --------------------------------------------------------------------------------

# Top-level domains accepted right after a dot in the strict shadow (where a dot is a real dot).
_TLDS = (
    "com|net|org|edu|gov|info|biz|name|pro|mobi|"
    "io|me|co|ai|app|dev|page|link|ly|gg|tv|fm|to|sh|so|cc|ws|xyz|site|online|website|web|"
    "live|studio|music|band|dj|audio|art|design|media|events|productions|records|rocks|club|"
    "agency|world|space|tech|store|shop|email|mail|chat|social|fans|cool|top|vip|one|"
    "de|fr|uk|es|it|nl|be|ch|at|se|no|dk|fi|pl|pt|ie|lu|cz|gr|ro|hu|eu|us|ca|au|nz|br|mx|ar|"
    "cl|jp|kr|cn|hk|sg|in|ng|za|ma|tn|sn|ci|re|ru|ua|tr|il|ae"
)
# The few accepted after a word "dot"/"point" or a spaced dot (loose shadow): ordinary words of
# English or French never follow there ("le point de ...", "au point info" stay).
_SAFE_TLDS = "com|net|org|fr|io|eu|uk|ch|studio|music|app|dev|xyz|biz|online"
_MAIL_PROVIDERS = (
    "gmail|googlemail|hotmail|outlook|live|yahoo|icloud|me|proton|protonmail|pm|gmx|aol|"
    "orange|free|sfr|laposte|wanadoo|bbox|yandex|mail|zoho|tutanota"
)

_EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_EN_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
             "seventeen", "eighteen", "nineteen"]  # fmt: skip
_EN_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_FR_UNITS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"]
_FR_TEENS = ["dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix sept",
             "dix huit", "dix neuf"]  # fmt: skip


def _number_words() -> dict[str, int]:
    """Spoken numbers 0..99 in English and French (France, Belgium, Switzerland)."""
    words: dict[str, int] = {"zero": 0, "une": 1, "nought": 0}
    for i, w in enumerate(_EN_UNITS):
        words[w] = i
    for i, w in enumerate(_EN_TEENS):
        words[w] = 10 + i
    for t, w in enumerate(_EN_TENS, start=2):
        words[w] = 10 * t
        for u in range(1, 10):
            words[f"{w} {_EN_UNITS[u]}"] = 10 * t + u
    for i, w in enumerate(_FR_UNITS):
        words[w] = i
    for i, w in enumerate(_FR_TEENS):
        words[w] = 10 + i
    fr_tens = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
               "septante": 70, "huitante": 80, "octante": 80, "nonante": 90}  # fmt: skip
    for w, t in fr_tens.items():
        words[w] = t
        words[f"{w} et un"] = t + 1
        for u in range(1, 10):
            words[f"{w} {_FR_UNITS[u]}"] = t + u
    for w, base in (("soixante", 60), ("quatre vingt", 80), ("quatre vingts", 80)):
        words.setdefault(w, base)
        for i, teen in enumerate(_FR_TEENS):
            words[f"{w} {teen}"] = base + 10 + i
        words["soixante et onze"] = 71
        if base == 80:
            for u in range(1, 10):
                words[f"{w} {_FR_UNITS[u]}"] = 80 + u
    return words


_NUMBER_WORDS = _number_words()


def _number_words_pattern() -> re.Pattern:
    def alt(phrase: str) -> str:
        return r"[\s-]+".join(re.escape(p) for p in phrase.split())

    phrases = sorted(_NUMBER_WORDS, key=len, reverse=True)
    return re.compile(
        r"(?<![\w])(?:" + "|".join(alt(p) for p in phrases) + r")(?![\w])", re.IGNORECASE
    )


def _number_value(m: re.Match) -> str:
    phrase = re.sub(r"[\s-]+", " ", m.group(0).lower())
    return str(_NUMBER_WORDS[phrase])


# --- the shadows' rewriting rules --------------------------------------------------------------

_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff\ufe0f\u20e3]")
_WEIRD_DOT = re.compile("[\u3002\uff0e\uff61\u2024\ufe52\u0701\u0702]")
_WEIRD_AT = re.compile("[\uff20\ufe6b]")
_HXXP = re.compile(r"\bh(?:xx|\*\*|XX|tt)p(s?)(?=\s*[:\[(]\s*/)", re.IGNORECASE)
_BRACKET_COLON = re.compile(r"[\[(]\s*:\s*[\])]")
_SCHEME = re.compile(r"\b(https?)\s*:\s*/\s*/", re.IGNORECASE)
_BRACKETED_AT = re.compile(
    r"\s*[\[({<]\s*(?:at|@|arobase|a)\s*[\])}>]\s*|\s*-(?:at|arobase)-\s*|\s*_(?:at|arobase)_\s*",
    re.IGNORECASE,
)
_BRACKETED_DOT = re.compile(
    r"\s*[\[({<]\s*(?:dot|\.|point|punto|pt)\s*[\])}>]\s*|\s*-(?:dot|point)-\s*"
    r"|\s*_(?:dot|point)_\s*",
    re.IGNORECASE,
)

_WORD_AT = re.compile(r"(?<=[\w.])\s+(?:at|arobase|chez)\s+(?=\w)|\s*@\s*", re.IGNORECASE)
_WORD_DOT = re.compile(r"(?<=\w)\s+(?:dot|point|punto)\s+(?=\w)", re.IGNORECASE)
_SPACED_DOT = re.compile(rf"(?<=\w)(?:\s+\.\s*|\s*\.\s+)(?=(?:{_SAFE_TLDS})\b)", re.IGNORECASE)
# Three or more single characters separated by single spaces: "d j v e l v e t".
_SPACED_LETTERS = re.compile(r"(?<!\S)\S(?: \S){2,}(?!\S)")

_NUMBER_WORD = _number_words_pattern()
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|janvier|février|fevrier|mars|"
    r"avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|janv|"
    r"févr|fevr|avr|juil)\.?"
)
_WORDY_DATE = re.compile(
    rf"(?<!\d)\d{{1,2}}(?:er|st|nd|rd|th)?\s+{_MONTH}(?:\s+\d{{4}})?(?!\w)"
    rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?(?!\d)",
    re.IGNORECASE,
)
# O/o for 0 and l/I/| for 1 inside a run of digits ("O6 l2 34 56 78").
_LOOKALIKE_RUN = re.compile(
    r"(?<![A-Za-z0-9])[0-9OoIl|](?:[ ._\-/(),]{0,3}[0-9OoIl|]){5,}(?![A-Za-z0-9])"
)
_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})

# Numbers that are not phones, set aside (replaced by "§") before phones are looked for.
_NUM = r"(?:\d{1,3}(?:[ ,.'’]\d{3})+|\d+)(?:[.,]\d{1,2})?"
_CURRENCY = r"(?:[€$£¥]|\b(?:eur|euros?|usd|gbp|chf|cad|dollars?)\b)"
_UNIT = (
    r"(?:%|‰|[€$£¥]|×|(?:eur|euros?|usd|gbp|chf|cad|dollars?|k|m|x|streams?|views?|vues?|plays?|"
    r"listeners?|auditeurs?|auditrices?|followers?|abonnés?|abonnes?|fans?|likes?|shares?|"
    r"tickets?|billets?|entrées?|people|personnes|places|seats|guests?|invités?|min|mins|"
    r"minutes?|sec|secondes?|seconds?|h|hrs?|hours?|heures?|days?|jours?|weeks?|semaines?|"
    r"months?|mois|years?|ans?|années?|km|m²|posts?|stories|reels?|titres?|tracks?|shows?|"
    r"concerts?|dates?|sets?)\b)"
)
_NOT_A_PHONE = re.compile(
    "|".join([
        # ISO dates 2027-05-01, and d/m/y, d.m.y, d-m-y (checked as real dates below).
        r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d|[.-]\d)",
        r"(?<!\d)(?<!\d[./-])(?P<d2>\d{1,2})(?P<s>[./-])(?P<m2>\d{1,2})(?P=s)(?:\d{4}|\d{2})"
        r"(?!\d|[./-]\d)",
        # Day/month without a year: 12/06-14/06.
        r"(?<!\d)(?<!\d[./-])(?P<d3>\d{1,2})/(?P<m3>\d{1,2})(?!\d|[./]\d)",
        # Times 20:00, 20h30, 9.30am.
        r"(?<!\d)\d{1,2}(?:[:h]\d{2}|[.:]\d{2}\s?(?:am|pm))(?!\d)",
        # Amounts and counts: after a currency, or before a unit.
        rf"{_CURRENCY}\s?{_NUM}",
        rf"(?<![\d+]){_NUM}\s?{_UNIT}",
        # Thousands grouped from a 1-2 digit head (1,200,000 / 12 500): never a phone's shape.
        r"(?<![\d+])(?<!\d[.,])[1-9]\d?(?:[,. '’]\d{3})+(?!\d|[., ]\d)",
    ]),
    re.IGNORECASE,
)  # fmt: skip
_JOINER = re.compile(
    r"(?<=\d)[ \t]*,?[ \t]*(?:and then|and|then|et puis|puis|et|plus|followed by|suivi de|"
    r"&|\+)[ \t]*[:,]?[ \t]*(?=\d)",
    re.IGNORECASE,
)
_SEP = r"(?:[ \t._\-/()\\|*~…]{1,4}|,)"
_PHONE = re.compile(rf"(?<!\d)(?:\+|00)?[ \t]*\(?\d(?:{_SEP}?\d){{6,}}")
# A number given in two pieces with a few words between ("06 12 34, then 56 78").
_SPLIT_PHONE = re.compile(
    rf"(?<![\d§])(?:\+|0)\d(?:{_SEP}?\d){{2,}}[^\d§\n]{{1,40}}?(?<!\d)\d(?:{_SEP}?\d){{2,}}(?![\d§])"
)

# Spoken in pairs with commas: "zéro six, douze, trente-quatre..." (a leading 0 or + only).
_LISTED_PHONE = re.compile(
    r"(?<![\d§])(?:\+|0)[ \t]*\d(?:(?:,[ \t]?|[ \t._\-/]{1,3})?\d){8,14}(?![\d§])"
)

# --- what counts as a contact in each shadow -------------------------------------------------

_STRICT_CONTACTS = re.compile(
    "|".join([
        r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*",  # e-mail, with or without a TLD
        r"(?<![\w.])(?:https?://|www\.)[^\s<>\"']+",
        rf"(?<![\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b(?:/[^\s<>\"']*)?",
        r"(?<![\w@.])@[A-Za-z_][\w.]*\w",  # @handle
        r"\b(?:live|skype|tel|sms|mailto|whatsapp|wa|telegram|tg|signal|viber|wechat|discord|"
        r"snapchat|snap|insta|instagram|ig|kik|threema|teams)\s?[:=]\s?[\w.+@-]*\w",
    ]),
    re.IGNORECASE,
)  # fmt: skip
_LOOSE_CONTACTS = re.compile(
    "|".join([
        rf"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.(?:{_TLDS})\b",
        rf"(?<![\w.+-])[\w.+-]+@(?:{_MAIL_PROVIDERS})\b",
        rf"(?<![\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:{_SAFE_TLDS})\b(?:/[^\s<>\"']*)?",
    ]),
    re.IGNORECASE,
)  # fmt: skip


def _strict(text: str) -> _Shadow:
    shadow = _Shadow.of(text)
    shadow = shadow.sub(re.compile(r"[^\x00-\x7f]"), _nfkc)
    shadow = shadow.sub(_INVISIBLE, "")
    shadow = shadow.sub(_WEIRD_DOT, ".")
    shadow = shadow.sub(_WEIRD_AT, "@")
    shadow = shadow.sub(_HXXP, lambda m: f"http{m.group(1)}")
    shadow = shadow.sub(_BRACKET_COLON, ":")
    shadow = shadow.sub(_SCHEME, lambda m: f"{m.group(1)}://")
    shadow = shadow.sub(_BRACKETED_AT, "@")
    return shadow.sub(_BRACKETED_DOT, ".")


def _nfkc(m: re.Match) -> str:
    return unicodedata.normalize("NFKC", m.group(0)) or m.group(0)


def _loose(strict: _Shadow) -> _Shadow:
    shadow = strict.sub(_SPACED_LETTERS, lambda m: m.group(0).replace(" ", ""))
    shadow = shadow.sub(_WORD_AT, "@")
    shadow = shadow.sub(_WORD_DOT, ".")
    return shadow.sub(_SPACED_DOT, ".")


def _digits(strict: _Shadow) -> _Shadow:
    shadow = strict.sub(_WORDY_DATE, "§")  # "15 sept 2027" is no 7 in a phone
    shadow = shadow.sub(_NUMBER_WORD, _number_value)
    shadow = shadow.sub(_LOOKALIKE_RUN, _lookalikes)
    shadow = shadow.sub(_NOT_A_PHONE, _set_aside)
    return shadow.sub(_JOINER, "~")


def _lookalikes(m: re.Match) -> str:
    run = m.group(0)
    return run.translate(_LOOKALIKES) if sum(c.isdigit() for c in run) >= 3 else run


def _set_aside(m: re.Match) -> str:
    groups = m.groupdict()
    day = groups.get("d") or groups.get("d2") or groups.get("d3")
    month = groups.get("m") or groups.get("m2") or groups.get("m3")
    if day and month and not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
        return m.group(0)  # not a real date: maybe a phone ("06.12.34.56.78")
    return "§"


def _is_phone(found: str) -> bool:
    digits = re.sub(r"\D", "", found)
    if len(digits) < 7:
        return False
    groups = re.findall(r"\d+", found)
    if all(len(g) == 4 and 1900 <= int(g) <= 2099 for g in groups):
        return False  # years: "2025 2026", "2026-2027"
    prefixed = found.lstrip(" \t(").startswith(("+", "0"))
    if "~" in found and not prefixed:
        return False  # "5000 and 8000", "9.30 and 18.30"
    ranged = len(groups) == 2 and re.search(r"\d\s*[-–]\s*\d", found) and not prefixed
    return not (ranged and all(len(g) >= 3 for g in groups))


def _spans(shadow: _Shadow, pattern: re.Pattern, keep=None) -> Iterable[tuple[int, int]]:
    for m in pattern.finditer(shadow.text):
        if m.start() < m.end() and (keep is None or keep(m.group(0))):
            yield shadow.span(*m.span())


def contact_spans(text: str) -> list[tuple[int, int]]:
    """Where the contact details are in `text`: sorted, merged (start, end) spans."""
    strict = _strict(text)
    digits = _digits(strict)
    found = [
        *_spans(strict, _STRICT_CONTACTS),
        *_spans(_loose(strict), _LOOSE_CONTACTS),
        *_spans(digits, _PHONE, _is_phone),
        *_spans(digits, _LISTED_PHONE),
        *_spans(digits, _SPLIT_PHONE, lambda s: 9 <= len(re.sub(r"\D", "", s)) <= 13),
    ]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def mask_contact_details(text: str) -> str:
    """`text` with each e-mail address, phone number, outside link or handle (disguised or not)
    replaced by the placeholder HIDDEN, in the active language."""
    text = text or ""
    if not text:
        return text
    hidden, out, pos = str(HIDDEN), [], 0
    for start, end in contact_spans(text):
        out += [text[pos:start], hidden]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def mask_unless(text: str, *, visible: bool) -> str:
    """The text as typed when contacts are visible, masked otherwise."""
    return text if visible else mask_contact_details(text)
