"""Near-duplicate signatures and LSH band keys (pure)."""

from __future__ import annotations

import unicodedata

import pytest

from transforms import neardup

# A provincial wire story, a re-publication of it (new first line, agency credit) and another
# story on the same topic with the same numbers. Written for these tests.
LUA = (
    "Theo Sở Nông nghiệp và Phát triển nông thôn, vụ lúa hè thu năm 2023 toàn tỉnh gieo cấy"
    " được 52.300 ha, vượt 2,1% kế hoạch. Năng suất bình quân ước đạt 51,6 tạ/ha, sản lượng"
    " khoảng 270.000 tấn. Nhờ thời tiết thuận lợi và nguồn nước tưới được bảo đảm, cây lúa"
    " sinh trưởng đồng đều, ít sâu bệnh.\nCác huyện Yên Thành, Diễn Châu, Quỳnh Lưu có diện"
    " tích lớn nhất, chiếm gần một nửa tổng diện tích gieo cấy của tỉnh. Ngành nông nghiệp"
    " khuyến cáo bà con thu hoạch theo phương châm xanh nhà hơn già đồng, tranh thủ những ngày"
    " nắng ráo để phơi sấy, bảo quản thóc.\nHiện có hơn 1.200 máy gặt đập liên hợp được huy"
    " động, đáp ứng khoảng 85% diện tích cần thu hoạch. Các hợp tác xã cũng chủ động làm đất,"
    " chuẩn bị giống để gieo cấy vụ mùa đúng khung lịch thời vụ, tránh mưa bão cuối năm. Tỉnh"
    " đặt mục tiêu tổng sản lượng lương thực cả năm đạt trên 1,2 triệu tấn."
)
LUA_COPY = (
    "Nông dân phấn khởi vì lúa hè thu được mùa, giá thóc ổn định.\n"
    + LUA.split(". ", 1)[1]
    + "\nVăn Tâm (TTXVN)\nTheo TTXVN"
)
LUA_KHAC = (
    "Sáng nay, đoàn công tác của tỉnh đã kiểm tra tình hình sản xuất vụ hè thu tại các huyện"
    " phía bắc. Báo cáo với đoàn, lãnh đạo ngành nông nghiệp cho biết cả tỉnh đã gieo cấy"
    " 52.300 ha lúa, năng suất dự kiến 51,6 tạ/ha và sản lượng có thể đạt 270.000 tấn.\nTại"
    " cánh đồng xã Diễn Hồng, nhiều hộ dân đang khẩn trương thu hoạch bằng máy gặt; giá thóc"
    " tươi được thương lái mua tại ruộng từ 6.800 đến 7.200 đồng/kg. Trưởng đoàn đề nghị địa"
    " phương theo dõi sát diễn biến thời tiết, hỗ trợ người dân tiêu thụ sản phẩm và sớm triển"
    " khai kế hoạch vụ mùa.\nĐoàn cũng lưu ý các hợp tác xã về việc nạo vét kênh mương, bảo"
    " đảm tiêu úng khi có mưa lớn. Ngành nông nghiệp cho biết sẽ tiếp tục nhân rộng các mô hình"
    " cánh đồng lớn, liên kết với doanh nghiệp để bao tiêu lúa gạo cho nông dân."
)


def test_normalise_folds_case_form_and_punctuation() -> None:
    decomposed = unicodedata.normalize(
        "NFD", "Thu NGÂN SÁCH đạt 1,5 tỷ đồng (tăng 12,3%). Theo TTXVN."
    )
    assert neardup.normalise(decomposed) == "thu ngân sách đạt 1 5 tỷ đồng tăng 12 3 theo ttxvn"


def test_shingles_are_runs_of_syllables() -> None:
    assert neardup.shingles("Một hai, ba bốn năm sáu!", size=5) == {
        "một hai ba bốn năm",
        "hai ba bốn năm sáu",
    }
    assert neardup.shingles("Ngắn gọn", size=5) == {"ngắn gọn"}
    assert neardup.shingles(" … ") == set()


def test_short_text_gets_no_signature() -> None:
    assert neardup.signature("Sáng 18/12, huyện tổ chức hội nghị tổng kết năm 2021.") is None
    assert neardup.signature(" ".join(["chữ"] * (neardup.MIN_WORDS - 1))) is None


def test_signature_is_stable_and_32_bit() -> None:
    sig = neardup.signature(LUA)
    assert sig is not None and len(sig) == neardup.NUM_PERM
    assert sig == neardup.signature(LUA.upper())  # normalisation first
    assert all(0 <= v < 2**32 for v in sig)
    assert neardup.similarity(sig, sig) == 1.0


@pytest.mark.parametrize("text", [LUA, LUA_COPY, LUA_KHAC, LUA * 3, LUA.upper()])
def test_signature_values_are_datasketchs_affine32_values(text: str) -> None:
    """Signatures stored by earlier versions (computed with datasketch) stay comparable."""
    datasketch = pytest.importorskip("datasketch")
    minhash = datasketch.MinHash(num_perm=neardup.NUM_PERM, seed=neardup.SEED, scheme="affine32")
    minhash.update_batch([s.encode("utf-8") for s in neardup.shingles(text)])
    assert neardup.signature(text) == tuple(int(v) for v in minhash.hashvalues)


def test_wire_copy_with_new_first_line_and_credit_is_a_duplicate() -> None:
    assert neardup.jaccard(neardup.shingles(LUA), neardup.shingles(LUA_COPY)) > 0.7
    a, b = neardup.signature(LUA), neardup.signature(LUA_COPY)
    assert neardup.is_duplicate(a, b)
    assert set(neardup.band_keys(a)) & set(neardup.band_keys(b))


def test_same_topic_and_numbers_is_not_a_duplicate() -> None:
    a, b = neardup.signature(LUA), neardup.signature(LUA_KHAC)
    assert neardup.similarity(a, b) < 0.1
    assert not neardup.is_duplicate(a, b)
    assert not set(neardup.band_keys(a)) & set(neardup.band_keys(b))


def test_band_keys_one_per_band() -> None:
    keys = neardup.band_keys(neardup.signature(LUA))
    assert [band for band, _ in keys] == list(range(neardup.BANDS))
    assert all(-(2**63) <= key < 2**63 for _, key in keys)
    with pytest.raises(ValueError):
        neardup.band_keys((1, 2, 3))


def test_band_parameters_find_07_and_almost_never_03() -> None:
    assert neardup.candidate_probability(0.7) > 0.98
    assert neardup.candidate_probability(0.3) < 0.07
    assert neardup.BANDS * neardup.ROWS == neardup.NUM_PERM


def test_similarity_needs_equal_lengths() -> None:
    with pytest.raises(ValueError):
        neardup.similarity((1, 2), (1, 2, 3))
