"""The local copy server that stands in for a paper's website in the demo and the tests."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from samples.server import (
    SAMPLE_SITES,
    SAMPLES_DIR,
    LocalSite,
    sample_host,
    sample_keys,
    serve_samples,
)


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


def _request(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), b""


def test_trailing_slash_and_first_page(root: Path) -> None:
    article = root / "tin-tuc" / "202301" / "bai-viet-1a2b3c4"
    article.mkdir(parents=True)
    (article / "index.html").write_text("bài có ngày", encoding="utf-8")
    with LocalSite(root) as site:
        assert _get(site.url + "/tin-tuc/202301/bai-viet-1a2b3c4/") == (200, "bài có ngày")
        assert _get(site.url + "/thoi-su/") == (200, "thời sự 1")
        assert _get(site.url + "/thoi-su?page=1") == (200, "thời sự 1")


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("sitemap.xml", "application/xml"),
        ("feed.rss", "application/rss+xml"),
        ("feed.atom", "application/atom+xml"),
        ("robots.txt", "text/plain"),
        ("trang.htm", "text/html"),
    ],
)
def test_content_types(root: Path, name: str, content_type: str) -> None:
    (root / name).write_text("x", encoding="utf-8")
    with LocalSite(root) as site:
        status, headers, _ = _request(f"{site.url}/{name}")
        assert status == 200
        assert headers["Content-Type"].split(";")[0] == content_type


def test_conditional_requests_get_304(root: Path) -> None:
    with LocalSite(root) as site:
        url = site.url + "/bai-viet-10240001.html"
        status, headers, body = _request(url)
        assert (status, body) == (200, "bài viết".encode())
        etag, modified = headers["ETag"], headers["Last-Modified"]
        assert etag.startswith('"') and etag.endswith('"')
        assert _request(url, **{"If-None-Match": etag})[0] == 304
        assert _request(url, **{"If-None-Match": f'"other", W/{etag}'})[0] == 304
        assert _request(url, **{"If-None-Match": '"other"'})[0] == 200
        assert _request(url, **{"If-Modified-Since": modified})[0] == 304
        assert _request(url, **{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200
        # If-None-Match wins over If-Modified-Since
        both = {"If-None-Match": '"other"', "If-Modified-Since": modified}
        assert _request(url, **both)[0] == 200
        assert _request(url, **{"If-Modified-Since": "not a date"})[0] == 200
        (root / "bai-viet-10240001.html").write_text("bài viết đã sửa", encoding="utf-8")
        status, headers, body = _request(url, **{"If-None-Match": etag})
        assert status == 200 and headers["ETag"] != etag
        assert body == "bài viết đã sửa".encode()


def test_head_request(root: Path) -> None:
    with LocalSite(root) as site:
        request = urllib.request.Request(site.url + "/", method="HEAD")
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
            assert response.headers["Content-Length"] == str(len("trang chủ".encode()))
            assert response.read() == b""


def test_binds_other_loopback_addresses_only(root: Path) -> None:
    try:
        site = LocalSite(root, host="127.0.0.23")
    except OSError:
        pytest.skip("this system routes only 127.0.0.1")
    with site:
        assert site.url.startswith("http://127.0.0.23:")
        assert _get(site.url + "/") == (200, "trang chủ")
    with pytest.raises(ValueError, match="loopback"):
        LocalSite(root, host="0.0.0.0")


def test_serve_samples_gives_each_paper_its_own_address() -> None:
    keys = sample_keys()
    assert {"mau-hagiang", "mau-tuyenquang", "mau-cantho", "mau-nghean"} <= set(keys)
    assert Path(__file__).resolve().parent.parent / "samples" / "sites" == SAMPLES_DIR
    assert (SAMPLE_SITES / "baonghean" / "expected.json").is_file()
    with serve_samples() as urls:
        assert sorted(urls) == keys
        assert len(set(urls.values())) == len(urls)
        for url in urls.values():
            assert url.startswith("http://127.0.0.") and not url.endswith("/")
            status, _, body = _request(url + "/robots.txt")
            assert status == 200 and body
        hosts = {key: urlsplit(url).hostname for key, url in urls.items()}
        if len(set(hosts.values())) == len(hosts):  # not the 127.0.0.1 fallback
            assert hosts == {key: sample_host(key) for key in keys}
            assert hosts[keys[0]] == "127.0.0.11"
    with serve_samples(["mau-cantho"]) as urls:
        assert list(urls) == ["mau-cantho"]
    with pytest.raises(KeyError), serve_samples(["khong-co"]):
        pass


def test_serve_samples_falls_back_to_127_0_0_1(monkeypatch: pytest.MonkeyPatch) -> None:
    real = LocalSite.__init__

    def refuse_others(self: LocalSite, root: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        if host != "127.0.0.1":
            raise OSError("cannot assign requested address")
        real(self, root, host, port)

    monkeypatch.setattr(LocalSite, "__init__", refuse_others)
    with serve_samples(["mau-cantho", "mau-nghean"]) as urls:
        assert all(url.startswith("http://127.0.0.1:") for url in urls.values())
        assert len(set(urls.values())) == 2
        assert _get(urls["mau-nghean"] + "/robots.txt")[0] == 200
