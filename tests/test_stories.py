"""Stories: near-duplicate articles grouped in the warehouse, on a real DuckDB file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from flows.pagework import extract_page
from transforms import neardup
from transforms.models import Article
from warehouse.load import load_results
from warehouse.records import UNSIGNED, FetchedPage, PageResult
from warehouse.schema import connect, scalar
from warehouse.stories import link_stories

T0 = datetime(2023, 8, 20, 7, 0, tzinfo=UTC)

# Written for these tests: a wire story about a bridge, its re-publications, another story on
# the same topic with the same numbers, and an unrelated one.
CAU = (
    "Sáng 19/8, Ban Quản lý dự án đầu tư xây dựng công trình giao thông tỉnh tổ chức thông xe"
    " cầu Bến Thủy 3 bắc qua sông Lam, nối thành phố Vinh với huyện Nghi Xuân. Cây cầu dài"
    " 1.240 m, rộng 17,5 m, tổng mức đầu tư 1.046 tỷ đồng từ nguồn vốn ngân sách trung ương"
    " và địa phương.\nTheo chủ đầu tư, công trình được khởi công từ tháng 3/2021, các nhà thầu"
    " đã huy động hơn 400 công nhân, kỹ sư làm việc ba ca liên tục để về đích sớm hơn kế"
    " hoạch gần hai tháng. Khi đưa vào sử dụng, cầu sẽ giảm tải cho cầu Bến Thủy 1 vốn thường"
    " xuyên ùn tắc vào giờ cao điểm và các dịp lễ, tết.\nPhát biểu tại buổi lễ, lãnh đạo tỉnh"
    " đề nghị các đơn vị tiếp tục hoàn thiện hệ thống chiếu sáng, biển báo, bảo đảm an toàn"
    " giao thông, đồng thời sớm bàn giao mặt bằng cho dự án đường ven sông Lam."
)
CAU_BAN_2 = (
    "Hà Tĩnh và Nghệ An có thêm một cây cầu lớn trước dịp Quốc khánh.\n"
    + CAU.split(". ", 1)[1]
    + "\nTheo TTXVN"
)
CAU_BAN_3 = (
    "Người dân hai bờ sông Lam vui mừng đón cây cầu mới.\n"
    + CAU.split(". ", 1)[1]
    + "\nPhóng viên Thanh Hà"
)
CAU_KHAC = (
    "Chiều 19/8, phóng viên có mặt tại cầu Bến Thủy 3 ghi nhận dòng phương tiện đông đúc ngay"
    " sau khi cầu được thông xe. Công trình dài 1.240 m, rộng 17,5 m với tổng vốn 1.046 tỷ"
    " đồng, là cây cầu thứ ba bắc qua sông Lam ở khu vực này.\nAnh Nguyễn Văn Lợi, một tài xế"
    " xe tải chạy tuyến Vinh – Hồng Lĩnh, cho biết trước đây anh thường mất cả tiếng đồng hồ"
    " để qua cầu cũ vào buổi chiều, nay chỉ còn khoảng mười phút. Nhiều hộ kinh doanh ở hai"
    " đầu cầu cũng kỳ vọng lượng khách ghé qua sẽ tăng.\nTuy vậy, một số người dân phản ánh"
    " nút giao phía Nghi Xuân chưa có đèn tín hiệu, xe máy và ô tô đi lẫn với nhau khá nguy"
    " hiểm. Chính quyền địa phương cho biết đã đề xuất lắp đặt đèn trong tháng tới."
)
HOC = (
    "Năm học 2023 – 2024, toàn tỉnh có hơn 880.000 học sinh các cấp tựu trường. Sở Giáo dục"
    " và Đào tạo cho biết đã rà soát cơ sở vật chất, bổ sung bàn ghế, sách giáo khoa cho các"
    " trường vùng cao, đồng thời điều động giáo viên tăng cường cho những nơi còn thiếu.\nTại"
    " các huyện miền núi, nhiều thầy cô đã vào bản vận động học sinh ra lớp đúng ngày. Một số"
    " trường bán trú chuẩn bị thêm gạo, thực phẩm để các em ở lại trường trong tuần. Ngành"
    " giáo dục đặt mục tiêu duy trì tỷ lệ chuyên cần trên 98% và không để học sinh nào bỏ học"
    " vì hoàn cảnh khó khăn."
)

ARTICLES = {  # article_id: (site, text, published)
    1: ("baonghean", CAU, T0),
    2: ("baohatinh", CAU_BAN_2, T0 + timedelta(hours=5)),
    3: ("baothanhhoa", CAU_BAN_3, T0 + timedelta(days=1)),
    4: ("baonghean", CAU_KHAC, T0 + timedelta(hours=8)),
    5: ("baonghean", HOC, T0 + timedelta(days=2)),
}


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with connect(tmp_path / "w.duckdb") as connection:
        for aid, (site, text, published) in ARTICLES.items():
            connection.execute(
                "INSERT INTO articles (article_id, url, site_key, title, published_at, body,"
                " text_sha1, extractor_version, version, first_seen_at, last_fetched_at,"
                " updated_at, warc_file, warc_offset)"
                " VALUES (?, ?, ?, ?, ?, ?, 'x', 'v', 1, ?, ?, ?, 'f.warc.gz', 0)",
                [aid, f"https://{site}.vn/{aid}", site, f"Bài {aid}", published, text]
                + [published] * 3,
            )
        yield connection


def _link(con: duckdb.DuckDBPyConnection, *ids: int) -> int:
    con.execute("BEGIN TRANSACTION")
    changed = link_stories(con, [(aid, ARTICLES[aid][1], ARTICLES[aid][2]) for aid in ids])
    con.execute("COMMIT")
    return changed


def _stories(con: duckdb.DuckDBPyConnection) -> dict[int, int]:
    return dict(con.execute("SELECT article_id, story_id FROM article_story").fetchall())


def _members(con: duckdb.DuckDBPyConnection) -> dict[int, int]:
    return dict(con.execute("SELECT article_id, story_id FROM story_members").fetchall())


def _state(con: duckdb.DuckDBPyConnection) -> tuple:
    members = con.execute(
        "SELECT article_id, story_id, published_at, signature FROM story_members ORDER BY 1"
    ).fetchall()
    bands = con.execute("SELECT * FROM story_bands ORDER BY ALL").fetchall()
    links = con.execute("SELECT * FROM story_links ORDER BY ALL").fetchall()
    return members, bands, links


def test_republished_copies_share_the_earliest_article_as_story(con) -> None:
    _link(con, 1, 2, 3, 4, 5)
    stories = _stories(con)
    assert stories[1] == stories[2] == stories[3] == 1
    assert stories[4] == 4  # same bridge, same numbers, another story
    assert stories[5] == 5
    row = con.execute(
        "SELECT title, first_published, articles, papers, sites FROM stories WHERE story_id = 1"
    ).fetchall()
    assert row == [("Bài 1", T0, 3, 3, ["baohatinh", "baonghean", "baothanhhoa"])]
    assert scalar(con, "SELECT count(*) FROM stories") == 3
    assert scalar(con, "SELECT count(*) FROM articles") == 5  # nothing dropped


def test_linking_again_changes_nothing(con) -> None:
    _link(con, 1, 2, 3, 4, 5)
    before = _state(con)
    assert _link(con, 1, 2, 3, 4, 5) == 0
    assert _link(con, 2) == 0
    assert _state(con) == before


@pytest.mark.parametrize("order", [[1, 2, 3, 4, 5], [5, 4, 3, 2, 1], [3, 1, 4, 2, 5], [2, 5, 3]])
def test_groups_do_not_depend_on_loading_order(tmp_path: Path, order: list[int]) -> None:
    def grouped(path: Path, batches: list[list[int]]) -> tuple:
        with connect(path) as con:
            for batch in batches:
                con.execute("BEGIN TRANSACTION")
                link_stories(con, [(a, ARTICLES[a][1], ARTICLES[a][2]) for a in batch])
                con.execute("COMMIT")
            return _state(con)

    reference = grouped(tmp_path / "ref.duckdb", [sorted(order)])
    one_by_one = grouped(tmp_path / "one.duckdb", [[a] for a in order])
    assert one_by_one == reference


def test_a_later_earlier_copy_renames_the_story(con) -> None:
    _link(con, 2, 3)
    assert _stories(con)[2] == _stories(con)[3] == 2
    assert _link(con, 1) == 2  # the original arrives: the copies move to story 1
    assert {_stories(con)[a] for a in (1, 2, 3)} == {1}


def test_a_bridging_article_merges_two_groups(con) -> None:
    sentences = (CAU_KHAC + " " + HOC).replace("\n", " ").split(". ")
    head, tail, whole = sentences[:8], sentences[3:], sentences  # head ~ tail: 0.38
    texts = {6: head, 7: tail, 8: whole}
    for aid in (6, 7, 8):
        con.execute("BEGIN TRANSACTION")
        link_stories(con, [(aid, ". ".join(texts[aid]), T0 + timedelta(days=aid))])
        con.execute("COMMIT")
        if aid == 7:
            assert _members(con) == {6: 6, 7: 7}
    assert _members(con) == {6: 6, 7: 6, 8: 6}


def test_a_changed_text_is_relinked_and_its_story_split(con) -> None:
    _link(con, 1, 2, 3)
    con.execute("BEGIN TRANSACTION")
    changed = link_stories(con, [(2, HOC + "\nBài đã được biên tập lại.", ARTICLES[2][2])])
    con.execute("COMMIT")
    stories = _stories(con)
    assert changed == 1
    assert stories[1] == stories[3] == 1
    assert stories[2] == 2
    assert scalar(con, "SELECT count(*) FROM story_links WHERE 2 IN (article_id, other_id)") == 0


def test_short_texts_are_their_own_story(con) -> None:
    con.execute("BEGIN TRANSACTION")
    link_stories(con, [(8, "Theo TTXVN", T0), (9, "Theo TTXVN", T0)])
    con.execute("COMMIT")
    rows = con.execute("SELECT article_id, story_id, signature FROM story_members").fetchall()
    assert sorted(rows) == [(8, 8, None), (9, 9, None)]
    assert scalar(con, "SELECT count(*) FROM story_bands") == 0


def test_an_article_not_linked_yet_is_its_own_story(con) -> None:
    assert _stories(con) == {aid: aid for aid in ARTICLES}
    assert scalar(con, "SELECT sum(articles) FROM stories") == len(ARTICLES)


def test_a_new_publication_date_can_rename_the_story(con) -> None:
    _link(con, 1, 2, 3)
    con.execute("BEGIN TRANSACTION")
    changed = link_stories(con, [(3, CAU_BAN_3, T0 - timedelta(days=1))])
    con.execute("COMMIT")
    assert changed == 3
    assert {_members(con)[a] for a in (1, 2, 3)} == {3}


def _page_result(aid: int) -> PageResult:
    site, text, published = ARTICLES[aid]
    url = f"https://{site}.vn/tin/{aid}"
    page = FetchedPage("f.warc.gz", aid, url, published, 200, f"sha-{aid}")
    article = Article(url, f"Bài {aid}", published, "meta", None, None, text)
    return PageResult(page, article)


def test_the_loader_links_by_the_signature_the_worker_sent(tmp_path: Path) -> None:
    signed = {aid: extract_page(_page_result(aid)) for aid in (1, 2, 5)}
    assert signed[2].signature == neardup.signature(signed[2].article.text)
    # a result that claims the bridge story's signature for the school text is linked as the
    # bridge: the loader does not sign again what a worker signed
    claimed = replace(signed[5], signature=signed[1].signature)
    unsigned = _page_result(3)  # built outside the workers: the loader signs it
    assert unsigned.signature == UNSIGNED
    with connect(tmp_path / "w.duckdb") as con:
        load_results(con, "mixed", [signed[1], signed[2], claimed, unsigned], "v")
        stories = dict(
            con.execute(
                "SELECT a.title, s.story_id FROM article_story AS s JOIN articles AS a"
                " USING (article_id)"
            ).fetchall()
        )
    assert stories["Bài 1"] == stories["Bài 2"] == stories["Bài 3"] == stories["Bài 5"]
