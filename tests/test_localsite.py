"""The local copy server that stands in for a paper's website in the demo and the tests."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from baotinh.localsite import LocalSite


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "site").mkdir()
    site = tmp_path / "site"
    (site / "index.html").write_text("trang chủ", encoding="utf-8")
    (site / "thoi-su").mkdir()
    (site / "thoi-su" / "index.html").write_text("thời sự 1", encoding="utf-8")
    (site / "thoi-su" / "page-2.html").write_text("thời sự 2", encoding="utf-8")
    (site / "bai-viet-10240001.html").write_text("bài viết", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    return site


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_urls_map_to_saved_files(root: Path) -> None:
    with LocalSite(root) as site:
        assert _get(site.url + "/") == (200, "trang chủ")
        assert _get(site.url + "/thoi-su") == (200, "thời sự 1")
        assert _get(site.url + "/thoi-su?page=2") == (200, "thời sự 2")
        assert _get(site.url + "/bai-viet-10240001.html") == (200, "bài viết")
        assert _get(site.url + "/thoi-su?page=9")[0] == 404
        assert _get(site.url + "/tim-kiem?q=x")[0] == 404
        assert _get(site.url + "/../secret.txt")[0] == 404
        assert _get(site.url + "/%2e%2e/secret.txt")[0] == 404


def test_injected_faults_come_first_then_the_page(root: Path) -> None:
    with LocalSite(root) as site:
        site.fail("/bai-viet-10240001.html", 503, 429, retry_after=2)
        statuses = [_get(site.url + "/bai-viet-10240001.html")[0] for _ in range(3)]
        assert statuses == [503, 429, 200]
        assert site.paths_hit() == ["/bai-viet-10240001.html"] * 3
