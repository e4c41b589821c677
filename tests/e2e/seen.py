"""What a person reads on a page: checks of the visible words of the HTML the server sends.

- no English msgid of the French catalogue left untranslated on a French page (Django's merged
  catalogue: ours, Django's, allauth's, django-countries'), whole text nodes compared;
- no number in scientific notation ("88e+04");
- no developer word: "slug", "basis points", "ISO 3166", or a raw enum code (a lower-case
  token with an underscore, such as "awaiting_signatures").
"""

import re
from functools import cache
from html.parser import HTMLParser

from django.utils import translation

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
NOT_READ = {"script", "style", "noscript", "template", "code", "pre", "kbd", "samp", "title"}


class _VisibleTexts(HTMLParser):
    """The texts of a page a person reads: text nodes, placeholders and button values, outside
    hidden elements and outside words marked as another language (`lang`, `translate="no"`:
    the language switch's "English", an e-mail quoted as sent). Options count: a person opens
    the list."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang, self.stack, self.texts = lang, [], []

    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self.stack)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "input" and not self._hidden() and a.get("type") != "hidden":
            self.texts += [a[k] for k in ("placeholder",) if a.get(k)]
            if a.get("type") == "submit" and a.get("value"):
                self.texts.append(a["value"])
        if tag in VOID:
            return
        if tag == "textarea" and a.get("placeholder") and not self._hidden():
            self.texts.append(a["placeholder"])
        hidden = (
            tag in NOT_READ or "hidden" in a or a.get("translate") == "no"
            or (tag != "html" and a.get("lang", self.lang) != self.lang)
        )  # fmt: skip
        self.stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._hidden():
            self.texts.append(text)


def visible_texts(html: str, lang: str) -> list[str]:
    parser = _VisibleTexts(lang)
    parser.feed(html)
    return list(dict.fromkeys(parser.texts))


SCIENTIFIC = re.compile(r"\b\d+(?:[.,]\d+)?[eE][+-]?\d+\b")
DEVELOPER_WORDS = re.compile(r"\bslugs?\b|\bbasis points?\b|\bISO[ -]?3166|\bISO[ -]?4217", re.I)
# A raw enum value: lower-case words joined by underscores ("awaiting_signatures").
ENUM_CODE = re.compile(r"(?<![\w@./-])[a-z]+(?:_[a-z]+)+(?![\w@./-])")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
# Words the same in both languages, or proper names, that the catalogues happen to translate.
SAME_IN_FRENCH = {
    "Email", "E-mail", "Date", "Total", "Contact", "Type", "Description", "Notifications",
    "Transport", "Brief", "Briefs", "Message", "Messages", "Admin", "Artiste", "Actions",
    "Action", "Note", "Source", "Version", "Statut", "Menu", "Instagram", "TikTok", "YouTube",
    "Spotify", "SoundCloud", "Facebook", "Twitch", "X", "Stripe", "AUX", "OK", "Max", "Min",
    "Local", "Social", "Cookies", "Rock", "Pop", "Jazz", "Funk", "Soul", "Blues", "Disco",
    "Techno", "Grime", "Trap", "Punk", "Metal", "Gospel", "Ambient", "House", "Latin", "Indie",
    "Sports", "Tech", "Gaming", "Beauty", "Finance", "Fashion", "Travel", "Food",
    "Country",  # the music genre, "Country" in French too (not the "Pays" of a form)
}  # fmt: skip


@cache
def untranslated_pattern() -> re.Pattern[str]:
    """One expression matching, whole, any English msgid whose French differs."""
    with translation.override("fr"):
        catalog = translation.trans_real.translation("fr")._catalog
        pairs = list(catalog.items())
    alternatives = set()
    french = {str(msgstr).strip() for _msgid, msgstr in pairs}
    for msgid, msgstr in pairs:
        if isinstance(msgid, tuple):  # plural forms: (msgid, n)
            msgid = msgid[0]
        if not isinstance(msgid, str) or "\x04" in msgid:  # context entries are keyed "ctx\x04id"
            msgid = msgid.split("\x04", 1)[-1] if isinstance(msgid, str) else ""
        text = re.sub(r"<[^>]+>", " ", msgid)  # block translations may hold markup
        text = re.sub(r"\s+", " ", text).strip()
        if (
            len(text) < 3
            or not re.search(r"[A-Za-z]{3}", text)
            or text in SAME_IN_FRENCH
            or text in french  # the English word is also a French one ("Part", "Date")
            or text == str(msgstr).strip()
        ):
            continue
        parts = PLACEHOLDER.split(text)
        # Enough words of its own: "%(n)s year" would match any sentence ending in "year".
        letters = len(re.findall(r"[A-Za-z]", "".join(parts)))
        if letters < 3 or (len(parts) > 1 and letters < 8):
            continue
        alternatives.add(".+?".join(re.escape(p) for p in parts))
    return re.compile("(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + r")[:.]?")


def words_problems(texts: list[str], lang: str) -> list[str]:
    """What is wrong with the visible texts of one page in `lang`."""
    found = []
    for text in texts:
        if SCIENTIFIC.search(text):
            found.append(f"scientific notation: {text[:80]!r}")
        if DEVELOPER_WORDS.search(text):
            found.append(f"developer word: {text[:80]!r}")
        if ENUM_CODE.search(text):
            found.append(f"raw code: {text[:80]!r}")
        if lang == "fr" and untranslated_pattern().fullmatch(text):
            found.append(f"English on a French page: {text[:80]!r}")
    return found
