"""Text-level rules: is this paragraph article text, or a caption, byline, link list or promo?

Pure functions over single paragraphs (already whitespace-normalised strings). The patterns
are data at the top of the module so a new paper's habits can be added without touching the
functions. DOM-level handling (figcaption, related boxes) lives in :mod:`transforms.clean`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# --- data -----------------------------------------------------------------------------------

# Words that introduce a photo/video credit: "Ảnh: Minh Châu", "Ảnh tư liệu", "(Ảnh minh họa)".
CREDIT_WORDS: tuple[str, ...] = (
    "ảnh minh họa",
    "ảnh minh hoạ",
    "ảnh tư liệu",
    "ảnh chụp màn hình",
    "ảnh cắt từ clip",
    "ảnh cắt từ video",
    "ảnh nguồn",
    "nguồn ảnh",
    "ảnh/video",
    "ảnh, video",
    "ảnh và video",
    "ảnh",
    "đồ họa",
    "đồ hoạ",
    "infographic",
    "video",
    "clip",
)

# Credits that are complete without a name after them.
STANDALONE_CREDITS: tuple[str, ...] = (
    "ảnh minh họa",
    "ảnh minh hoạ",
    "ảnh tư liệu",
    "ảnh chụp màn hình",
)

# "Tin, ảnh: P.Y", "Bài và ảnh: Minh Châu", "Thực hiện: ..." at the end of an article.
BYLINE_PREFIXES: tuple[str, ...] = (
    "tin, ảnh",
    "tin và ảnh",
    "tin - ảnh",
    "tin/ảnh",
    "tin, video",
    "bài, ảnh",
    "bài và ảnh",
    "bài - ảnh",
    "bài/ảnh",
    "bài, video",
    "ảnh, bài",
    "ảnh và bài",
    "tin",
    "bài",
    "ảnh",
    "video",
    "clip",
    "thực hiện",
    "nhóm thực hiện",
    "nhóm phóng viên",
    "tác giả",
    "trình bày",
    "đồ họa",
    "đồ hoạ",
)

# Words that often open a sentence: where a photo credit glued to the next paragraph ends.
# "Ảnh: Hữu Thắng Ông Lê Văn Hải cho biết ..." -> the credit is "Hữu Thắng".
SENTENCE_OPENERS: tuple[str, ...] = (
    "ông", "bà", "anh", "chị", "cô", "thầy", "cụ", "cháu", "em",
    "đồng chí", "đại tá", "thượng tá", "trung tá", "thiếu tá", "đại úy", "thượng úy",
    "các", "những", "theo", "trong", "tại", "sau", "trước", "ngày", "sáng", "chiều", "tối",
    "trưa", "đêm", "tháng", "hiện", "để", "với", "từ", "cùng", "bên", "người", "hội nghị",
    "buổi", "lãnh đạo", "đây", "đó", "khi", "nhờ", "do", "tuy nhiên", "ngoài ra", "đặc biệt",
    "chủ tịch", "phó", "bí thư", "giám đốc", "đoàn công tác", "lực lượng", "cán bộ",
    "chiến sĩ", "bộ đội", "học sinh", "người dân", "bà con", "ubnd", "thủ tướng", "tổng bí thư",
)  # fmt: skip

# Whole-line bylines that carry no personal name.
ANONYMOUS_BYLINES: tuple[str, ...] = (
    r"(?:nhóm\s+)?(?:pv|phóng viên|ctv|cộng tác viên|btv|pv\s*-\s*ctv)",
    r"\(?(?:còn nữa|còn tiếp|hết|kỳ sau|kỳ tới)[^)]{0,40}\)?",
)

# "Theo TTXVN", "(Theo báo Nhân Dân)": lowercase words allowed in a source's name.
SOURCE_NAME_WORDS: frozenset[str] = frozenset(
    {"báo", "tạp", "chí", "đài", "cổng", "thông", "tin", "điện", "tử", "trang", "và", "của"}
)

# Words that open a news outlet's name in a "Theo ..." credit: "Theo Báo Quân đội nhân dân".
OUTLET_OPENERS: tuple[str, ...] = (
    "báo", "tạp chí", "đài", "cổng thông tin", "trang", "thông tấn", "kênh", "truyền hình",
    "tạp chí điện tử", "hãng", "tờ", "nhật báo", "tuần báo",
)  # fmt: skip
# Outlets whose names look like a person's ("Tuổi Trẻ", "Thanh Niên"), folded.
KNOWN_OUTLETS: frozenset[str] = frozenset(
    {
        "tuổi trẻ", "thanh niên", "nhân dân", "lao động", "tiền phong", "dân trí", "dân việt",
        "người lao động", "sài gòn giải phóng", "pháp luật", "công an nhân dân",
        "quân đội nhân dân", "hà nội mới", "an ninh thủ đô", "kinh tế đô thị", "tân hoa xã",
        "đại đoàn kết", "nông thôn ngày nay", "giáo dục thời đại", "sức khỏe đời sống",
    }
)  # fmt: skip

# Credit holders that are written in lowercase ("Ảnh: nhân vật cung cấp").
LOWERCASE_CREDIT_HOLDERS: tuple[str, ...] = ("nvcc", "nhân vật cung cấp", "internet", "sưu tầm")

# Headings that open a list of links to other articles.
RELATED_HEADINGS: frozenset[str] = frozenset(
    {
        "tin liên quan",
        "bài liên quan",
        "tin tức liên quan",
        "bài viết liên quan",
        "tin bài liên quan",
        "video liên quan",
        "xem thêm",
        "đọc thêm",
        "mời xem thêm",
        "mời đọc thêm",
        "xem tiếp",
        "đọc tiếp",
        "tin cùng chuyên mục",
        "cùng chuyên mục",
        "tin khác",
        "các tin khác",
        "tin mới",
        "tin mới nhất",
        "tin mới hơn",
        "tin cũ hơn",
        "tin đã đưa",
        "tin đọc nhiều",
        "đọc nhiều",
        "xem nhiều",
        "đọc nhiều nhất",
        "xem nhiều nhất",
        "tin nổi bật",
        "tiêu điểm",
        "có thể bạn quan tâm",
        "bạn có thể quan tâm",
        "có thể bạn muốn xem",
        "tin bài khác",
    }
)

# A single line that is itself a link to another article: ">> Tiêu đề", "Xem thêm: Tiêu đề".
RELATED_LINE_PREFIXES: tuple[str, ...] = (
    ">>",
    "»",
    "xem thêm:",
    "đọc thêm:",
    "tin liên quan:",
    "bài liên quan:",
    "mời xem thêm:",
    "xem tiếp:",
    "link bài gốc",
)

# Share/tag/comment widgets and navigation that leak into text.
WIDGET_PREFIXES: tuple[str, ...] = (
    "từ khóa:",
    "từ khoá:",
    "tags:",
    "tag:",
    "chủ đề:",
    "chia sẻ bài viết",
    "chia sẻ facebook",
    "chia sẻ:",
    "bình luận (",
    "gửi bình luận",
    "ý kiến của bạn",
    "ý kiến bạn đọc",
    "in bài viết",
    "lưu bài viết",
    "lấy link",
    "copy link",
    "sao chép liên kết",
    "theo dõi báo",
    "theo dõi chúng tôi",
    "theo dõi kênh",
    "tải ứng dụng",
    "tải app",
    "đánh giá bài viết",
    "báo lỗi",
)
WIDGET_LINES: frozenset[str] = frozenset(
    {"chia sẻ", "bình luận", "in", "in bài", "email", "facebook", "zalo", "twitter", "bản in"}
)

# Self-promotion of the paper (book shelves, apps, subscriptions), even inside the body.
PROMO_MARKERS: tuple[str, ...] = (
    "giới thiệu độc giả",
    "giới thiệu đến độc giả",
    "giới thiệu tới độc giả",
    "giới thiệu đến bạn đọc",
    "giới thiệu tới bạn đọc",
    "mời quý độc giả",
    "kính mời độc giả",
    "kính mời bạn đọc",
    "mời độc giả đón đọc",
    "mời bạn đọc đón đọc",
    "mời độc giả theo dõi",
    "mời bạn đọc theo dõi",
    "tải ứng dụng",
    "trên google news",
    "liên hệ quảng cáo",
)

MAX_CAPTION_CHARS = 400  # a caption longer than this is prose that merely mentions a photo
MAX_GLUED_CAPTION_CHARS = 300  # caption text before a credit glued to the next paragraph
MAX_BYLINE_CHARS = 80
MAX_NAME_WORDS = 5

# --- compiled patterns ------------------------------------------------------------------------


def _alternation(words: tuple[str, ...]) -> str:
    ordered = sorted(words, key=len, reverse=True)  # longest first: "ảnh tư liệu" before "ảnh"
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


_OPENER_WORDS = tuple(tuple(o.split()) for o in SENTENCE_OPENERS)
_CREDIT = _alternation(CREDIT_WORDS)
_STANDALONE = _alternation(STANDALONE_CREDITS)
# A credit holder: a name or source, no sentence break inside ("P.Y" and "T.Ng" are fine).
_WHO = r"(?:(?![.!?…]\s)[^!?()\[\]\n]){1,60}?"
_CAPTION_END = re.compile(
    rf"(?:^|(?<=[\s.!?…:;,\-–]))"
    rf"(?P<open>[(\[])?\s*(?P<credit>{_CREDIT})\b"
    rf"(?:\s*:\s*(?P<who>{_WHO}))?"
    rf"\s*[.)\]]?\s*$",
    re.IGNORECASE,
)
_GLUED_CREDIT = re.compile(
    rf"(?:^|(?<=[.!?…]\s))(?P<credit>{_CREDIT})\b\s*:\s*(?P<rest>\S.*)$"
    rf"|(?:^|(?<=[.!?…]\s))(?P<standalone>{_STANDALONE})\b\s+(?P<rest2>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
_BYLINE_PREFIXED = re.compile(
    rf"^(?P<prefix>{_alternation(BYLINE_PREFIXES)})\b\s*:\s*(?P<who>\S.*?)\.?$", re.IGNORECASE
)
_ANONYMOUS = re.compile(rf"^(?:{'|'.join(ANONYMOUS_BYLINES)})\.?$", re.IGNORECASE)
_NAME_SEPARATOR = re.compile(r"\s*(?:[-–,&/]|\bvà\b)\s*")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = " \t:>»«-–—•*.·|"


# --- helpers ----------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def normalize_text(text: str) -> str:
    """NFC, no zero-width characters, single spaces, stripped.

    Cached: every check of a paragraph (caption, dateline, promotion, …) normalises it.
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", _ZERO_WIDTH.sub("", text)).strip()


@lru_cache(maxsize=1024)
def _key(text: str) -> str:
    """A paragraph reduced for comparison with the phrase tables."""
    return normalize_text(text).casefold().strip(_EDGE_PUNCT)


def _is_capitalised(word: str) -> bool:
    word = word.strip("()[]\"'“”")
    return bool(word) and word[0].isupper()


_THEO = re.compile(
    r"^\(?\s*theo\s+(?P<who>[^()]{1,60}?)\s*(?:\((?P<paren>[^()]{1,40})\))?\s*\)?\s*\.?$",
    re.IGNORECASE,
)


def _is_outlet(name: str) -> bool:
    """A news outlet's name: "TTXVN", "Báo Quân đội nhân dân", "Dân trí", "vnexpress.net"."""
    folded = name.casefold().strip(" .")
    words = name.split()
    if not words or len(words) > 8:
        return False
    if folded in KNOWN_OUTLETS:
        return True
    if any(folded.startswith(o + " ") for o in OUTLET_OPENERS):
        return any(_is_capitalised(w) for w in words[1:])  # not "báo cáo của huyện"
    if "." in name.strip(" .") or any(sum(ch.isupper() for ch in w) >= 2 for w in words):
        return True  # a domain, or an acronym ("TTXVN", "VnExpress", "VOV")
    # a person's name has every word capitalised; an outlet's may not ("Dân trí")
    return _is_capitalised(words[0]) and not all(_is_capitalised(w) for w in words)


def source_credit(paragraph: str) -> tuple[bool, str | None] | None:
    """Read a "Theo ..." credit line: ``(True, None)`` for an outlet ("Theo TTXVN"),
    ``(True, name)`` for a person ("Theo Minh Hà (TTXVN)", "Theo Hoàng Lan"), else None.

    "Theo ông Nguyễn Văn An, giá ..." is a sentence, not a credit.
    """
    match = _THEO.match(normalize_text(paragraph))
    if match is None:
        return None
    who, paren = match["who"].strip(" ,"), match["paren"]
    if "," in who or not (_is_capitalised(who) or "." in who or _is_outlet(who)):
        return None
    person, _, outlet = who.partition("/")
    if outlet and is_name_line(person) and _is_outlet(outlet.strip()):
        return True, person.strip()
    if paren and is_name_line(who):
        return True, who
    if _is_outlet(who):
        return True, None
    if is_name_line(who) and 2 <= len(who.split()) <= 4:
        return True, who
    return None


def _is_source_credit(text: str) -> bool:
    """ "Theo TTXVN", "(Theo báo Nhân Dân)", "Theo vnexpress.net": a credit, not a sentence."""
    return source_credit(text) is not None


# --- captions ---------------------------------------------------------------------------------


def is_caption(paragraph: str) -> bool:
    """True for a photo/video caption: a short line ending in a credit.

    "Toàn cảnh buổi lễ. Ảnh: Minh Châu", "Ảnh tư liệu", "Trẻ em vui chơi (Ảnh minh họa)".
    A lowercase "ảnh" ending a sentence ("... chụp ảnh.") is not a credit.
    """
    text = normalize_text(paragraph)
    if not text or len(text) > MAX_CAPTION_CHARS:
        return False
    match = _CAPTION_END.search(text)
    if not match:
        return False
    credit, who = match.group("credit"), match.group("who")
    if match.group("open"):
        return True  # "(Ảnh minh họa)", "[Ảnh: TTXVN]"
    if not credit[0].isupper():
        return False
    if who is not None:
        return _looks_like_credit_holder(who)
    return any(credit.casefold() == w for w in STANDALONE_CREDITS) or match.start() == 0


def _looks_like_credit_holder(who: str) -> bool:
    words = who.split()
    if not 0 < len(words) <= 8:
        return False
    return _is_capitalised(words[0]) or who.casefold().startswith(LOWERCASE_CREDIT_HOLDERS)


def split_glued_caption(paragraph: str) -> str | None:
    """The article text after a caption that was glued to the next paragraph, else None.

    "Ông A trao quà. Ảnh: Minh Châu Buổi lễ có ..." -> "Buổi lễ có ...". The credit holder
    is the run of capitalised words after "Ảnh:" minus the last one when a lowercase word
    follows it (that last word starts the sentence).
    """
    text = normalize_text(paragraph)
    match = _GLUED_CREDIT.search(text)
    if not match or match.start() > MAX_GLUED_CAPTION_CHARS:
        return None
    credit = match.group("credit") or match.group("standalone")
    if not credit[0].isupper():
        return None
    if match.group("standalone"):
        rest = match.group("rest2")
        return rest if _starts_sentence(rest) else None
    words = match.group("rest").split(" ")
    run = 0
    while run < len(words) and _is_capitalised(words[run]):
        run += 1
    if run >= len(words):
        return None  # all credit, no sentence after it
    opener = _first_opener(words, 1, min(run, MAX_NAME_WORDS))
    if opener is not None:
        start = opener
    elif 2 <= run <= MAX_NAME_WORDS:
        start = run - 1  # the last capitalised word before a lowercase one opens the sentence
    else:
        return None  # "Ảnh: Reuters cho biết ..." cannot be split safely
    remainder = " ".join(words[start:])
    return remainder if _starts_sentence(remainder) else None


def _first_opener(words: list[str], start: int, stop: int) -> int | None:
    """Index of the first word in ``words[start:stop]`` that opens a known sentence start."""
    lowered = [w.casefold().strip(",.:;") for w in words]
    for i in range(start, stop):
        for opener in _OPENER_WORDS:
            if tuple(lowered[i : i + len(opener)]) == opener:
                return i
    return None


def _starts_sentence(text: str) -> bool:
    return len(text) >= 30 and text[0].isupper() and " " in text


# --- bylines ----------------------------------------------------------------------------------


def is_name_line(paragraph: str) -> bool:
    """True for a line that is only a person's name or names: "Anh Dũng", "P.Y", "HOÀI THU"."""
    text = normalize_text(paragraph).rstrip(".")
    if not text or len(text) > 50 or any(ch.isdigit() for ch in text):
        return False
    if any(ch in text for ch in '!?:;"“”'):
        return False
    names = [n for n in _NAME_SEPARATOR.split(text) if n]
    if not names:
        return False
    for name in names:
        words = name.split()
        if not 1 <= len(words) <= MAX_NAME_WORDS:
            return False
        if not all(_is_capitalised(w) and len(w.strip(".")) <= 12 for w in words):
            return False
    return True


def byline_name(paragraph: str) -> str | None:
    """The person named by a byline paragraph, or None when it names nobody."""
    text = normalize_text(paragraph)
    match = _BYLINE_PREFIXED.match(text)
    if match:
        who = re.split(r"\s+[-–]\s+\w[\w ,]{0,20}:", match.group("who"))[0]  # "A - Ảnh: B"
        who = who.strip(" .")
        return who if is_name_line(who) else None
    credit = source_credit(text)
    if credit is not None:
        return credit[1]
    if _ANONYMOUS.match(text):
        return None
    if is_name_line(text):
        return text.rstrip(".").strip()
    return None


def is_byline(paragraph: str, author: str | None = None) -> bool:
    """True for a byline/credit line: "Tin, ảnh: P.Y", "Nhóm PV", "Theo TTXVN", a name line."""
    text = normalize_text(paragraph)
    if not text or len(text) > MAX_BYLINE_CHARS:
        return False
    if author and _key(text) == _key(author):
        return True
    match = _BYLINE_PREFIXED.match(text)
    if match and len(match.group("who")) <= 60:
        return True
    return bool(_ANONYMOUS.match(text)) or _is_source_credit(text) or is_name_line(text)


# --- datelines -------------------------------------------------------------------------------

_DATE = re.compile(r"(?<!\d)\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(?:19|20)\d{2}(?!\d)")
_DATELINE_WORDS = re.compile(
    r"thứ\s+(?:hai|ba|tư|năm|sáu|bảy|\d)|chủ\s+nhật|\bcn\b|\bngày\b|\bđăng\b|\blúc\b|"
    r"cập\s+nhật|lượt\s+xem\s*:?\s*[\d.,]*|\b(?:gmt|utc)\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?|"
    r"[+-]\d{2}:?\d{2}|\d{1,2}\s*[:hg]\s*\d{2}(?:\s*:\s*\d{2})?|\b(?:am|pm|sa|ch)\b",
    re.IGNORECASE,
)
MAX_DATELINE_CHARS = 100


def is_dateline(paragraph: str) -> bool:
    """True for a line that only shows a date: "Thứ Bảy, 11/09/2021, 15:29", "Lượt xem: 12"."""
    text = normalize_text(paragraph)
    if len(text) > MAX_DATELINE_CHARS or not _DATE.search(text):
        return False
    rest = _DATELINE_WORDS.sub(" ", _DATE.sub(" ", text))
    return len(re.sub(r"[\W_]+", "", rest)) <= 2


# --- links, widgets, promos -------------------------------------------------------------------


def is_related_heading(paragraph: str) -> bool:
    """True for a heading that opens a list of other articles ("Tin liên quan", "Xem thêm")."""
    return _key(paragraph) in RELATED_HEADINGS


def is_related_line(paragraph: str) -> bool:
    """True for a line that points to another article (">> ...", "Xem thêm: ...")."""
    text = normalize_text(paragraph).casefold()
    return text.startswith(RELATED_LINE_PREFIXES)


def is_widget_line(paragraph: str) -> bool:
    """True for share/tag/comment/navigation text ("Từ khóa: ...", "Chia sẻ")."""
    text = normalize_text(paragraph).casefold()
    if len(text) > 200:
        return False
    return text.strip(_EDGE_PUNCT) in WIDGET_LINES or text.startswith(WIDGET_PREFIXES)


def is_promo(paragraph: str) -> bool:
    """True for the paper advertising itself (book shelves, apps, subscriptions)."""
    text = normalize_text(paragraph).casefold()
    return len(text) <= 800 and any(marker in text for marker in PROMO_MARKERS)


def is_boilerplate(paragraph: str) -> bool:
    """Any single-paragraph rule except bylines, which only apply at the end of a body."""
    return (
        is_caption(paragraph)
        or is_dateline(paragraph)
        or is_related_heading(paragraph)
        or is_related_line(paragraph)
        or is_widget_line(paragraph)
        or is_promo(paragraph)
    )


def strip_trailing_bylines(
    paragraphs: list[str], author: str | None = None
) -> tuple[list[str], str | None]:
    """Drop bylines from the end of a body; return the rest and the first name found."""
    kept = list(paragraphs)
    name: str | None = None
    while kept and is_byline(kept[-1], author):
        found = byline_name(kept.pop())
        name = found or name
    return kept, name
