"""Text-level boilerplate rules, on sentences written for these tests."""

from __future__ import annotations

import pytest

from transforms import boilerplate as bp


@pytest.mark.parametrize(
    "text",
    [
        "Toàn cảnh buổi lễ khánh thành cây cầu mới. Ảnh: Minh Châu",
        "Học sinh trường tiểu học xã Nghĩa Đàn trong giờ ra chơi. Ảnh: T.L",
        "Y tá chăm sóc người bệnh sau ca mổ. Ảnh: Bệnh viện cung cấp",
        "Cán bộ xã hướng dẫn người dân kê khai. Ảnh tư liệu",
        "Đoàn công tác kiểm tra đê biển. Ảnh tư liệu: Quốc Huy",
        "Nông dân thu hoạch lúa trên cánh đồng mẫu lớn (Ảnh minh họa)",
        "Ảnh minh hoạ",
        "Ảnh: Reuters.",
        "Ông An tặng quà cho các cháu. Ảnh: nhân vật cung cấp",
        "Lễ diễu hành trên quảng trường. Video: Hà Linh",
    ],
)
def test_captions(text: str) -> None:
    assert bp.is_caption(text)


@pytest.mark.parametrize(
    "text",
    [
        "Bà con rất vui khi được chụp ảnh cùng đoàn công tác.",
        "Người dân ảnh hưởng bởi lũ đã được hỗ trợ lương thực.",
        "Triển lãm gồm ba phần: Ảnh, Tranh và Tượng.",
        # a long paragraph that ends like a credit is prose, not a caption
        "Năm nay huyện trồng mới 1.200 ha rừng, vượt kế hoạch đề ra. " * 8 + "Ảnh: Minh Châu",
        "",
    ],
)
def test_not_captions(text: str) -> None:
    assert not bp.is_caption(text)


def test_glued_caption_is_cut_and_the_sentence_kept() -> None:
    glued = (
        "Ông Trần Văn Bình trao quà cho học sinh. Ảnh: Minh Châu Buổi lễ còn có sự tham gia "
        "của nhiều thầy cô giáo và phụ huynh."
    )
    assert bp.split_glued_caption(glued) == (
        "Buổi lễ còn có sự tham gia của nhiều thầy cô giáo và phụ huynh."
    )


def test_glued_caption_with_initials_and_standalone_credit() -> None:
    assert bp.split_glued_caption(
        "Hội nghị triển khai nhiệm vụ năm mới. Ảnh: P.Y Hội nghị đã thống nhất các nội dung."
    ) == ("Hội nghị đã thống nhất các nội dung.")
    assert bp.split_glued_caption(
        "Lực lượng chức năng tuần tra. Ảnh tư liệu Cuộc tuần tra kéo dài hơn ba ngày liền."
    ) == ("Cuộc tuần tra kéo dài hơn ba ngày liền.")


def test_glued_caption_before_a_sentence_opening_with_a_name() -> None:
    glued = "Ảnh: Hữu Thắng Ông Lê Văn Hải, Chủ tịch UBND huyện cho biết năm nay được mùa."
    assert bp.split_glued_caption(glued) == (
        "Ông Lê Văn Hải, Chủ tịch UBND huyện cho biết năm nay được mùa."
    )


@pytest.mark.parametrize(
    "text",
    [
        "Ông Bình cho biết dự án sẽ hoàn thành trong năm nay.",
        # the credit holder's end cannot be found: leave the paragraph alone
        "Cây cầu mới. Ảnh: Reuters cho biết giá dầu tăng mạnh trong tuần qua",
        "Ảnh: Minh Châu",
    ],
)
def test_no_glued_caption(text: str) -> None:
    assert bp.split_glued_caption(text) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Tin, ảnh: P.Y", "P.Y"),
        ("Bài và ảnh: Minh Châu - Thu Hà", "Minh Châu - Thu Hà"),
        ("Bài: Thu Hà - Ảnh: Minh Châu", "Thu Hà"),
        ("Anh Dũng", "Anh Dũng"),
        ("HOÀI THU", "HOÀI THU"),
        ("Nhóm PV", None),
        ("Theo TTXVN", None),
        ("(Theo báo Nhân Dân)", None),
    ],
)
def test_bylines(text: str, name: str | None) -> None:
    assert bp.is_byline(text)
    assert bp.byline_name(text) == name


@pytest.mark.parametrize(
    "text",
    [
        "Theo ông Nguyễn Văn An, giá phân bón sẽ còn tăng.",
        "Kết luận",
        "Xin cảm ơn!",
        "Năm 2024",
        "Huyện đã hoàn thành 95% kế hoạch.",
    ],
)
def test_not_bylines(text: str) -> None:
    assert not bp.is_byline(text)


def test_author_line_matches_known_author() -> None:
    assert bp.is_byline("nguyễn thị hoa", author="Nguyễn Thị Hoa")


def test_trailing_bylines_are_stripped_and_named() -> None:
    body = ["Đoạn thứ nhất của bài viết.", "Đoạn thứ hai, cũng là đoạn cuối.", "Tin, ảnh: Q.A"]
    kept, name = bp.strip_trailing_bylines(body)
    assert kept == body[:2]
    assert name == "Q.A"


def test_bylines_only_at_the_end() -> None:
    body = ["Minh Châu", "Đây mới là nội dung chính của bài báo."]
    kept, name = bp.strip_trailing_bylines(body)
    assert kept == body
    assert name is None


@pytest.mark.parametrize("text", ["Tin liên quan", "XEM THÊM:", "Có thể bạn quan tâm", "Đọc thêm"])
def test_related_headings(text: str) -> None:
    assert bp.is_related_heading(text)


def test_related_lines_and_widgets() -> None:
    assert bp.is_related_line(">> Tỉnh khởi công ba dự án giao thông lớn")
    assert bp.is_related_line("Xem thêm: Giá lúa tăng mạnh đầu vụ")
    assert bp.is_widget_line("Từ khóa: nông thôn mới, giao thông")
    assert bp.is_widget_line("Chia sẻ")
    assert not bp.is_widget_line("Chia sẻ với phóng viên, ông Hùng cho biết lúa năm nay được mùa.")
    assert not bp.is_related_heading("Tin liên quan đến dự án được công bố sáng nay.")


def test_promo() -> None:
    assert bp.is_promo("Báo Miền Núi giới thiệu độc giả bộ sách về lịch sử địa phương.")
    assert bp.is_promo("Mời bạn đọc theo dõi báo trên Google News để cập nhật tin tức.")
    assert not bp.is_promo("Thư viện tỉnh tổ chức ngày hội đọc sách cho học sinh.")


def test_normalize_text() -> None:
    decomposed = "Nghe\u0302\u0323 An"  # "ệ" as e + combining circumflex + dot below
    assert bp.normalize_text(f"  {decomposed}\u00a0\u200b tỉnh \n") == "Nghệ An tỉnh"
