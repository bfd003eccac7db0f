"""The context the extraction bench prints next to its rates: figures per KB, real text."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.extraction import DEFAULT_SHARED, figures_per_kb, load_extractors, real_article_texts


def test_figures_per_kb_counts_what_the_extractors_find():
    text = "Huyện có 716 tổ/3.959 người tham gia, chi 1,5 tỷ đồng."
    expected = 1000 * 3 / len(text.encode("utf-8"))
    assert figures_per_kb([text], load_extractors()) == pytest.approx(expected)
    assert figures_per_kb(["Không có con số nào ở đây."], load_extractors()) == 0.0


def test_without_saved_pages_there_is_no_real_text(tmp_path: Path):
    assert real_article_texts(tmp_path) == []


@pytest.mark.skipif(not (DEFAULT_SHARED / "pages").is_dir(), reason="needs ../shared/pages")
def test_real_article_texts_are_the_cleaned_articles_of_the_saved_pages():
    texts = real_article_texts(DEFAULT_SHARED)
    assert texts and all(len(t) > 500 for t in texts)
    assert not any("<" in t and ">" in t and "</" in t for t in texts)  # text, not markup
