"""A loopback web server with one route per failure mode of reliability.md (cases 1-26).

Every route is real HTTP on 127.0.0.x: compression bombs are real gzip/brotli streams, the slow
route really sends a byte every few seconds, redirects really redirect. The server records
every request (path, headers, time) so tests can assert what the crawler did on the wire.
"""

from __future__ import annotations

import gzip
import http.server
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import brotli  # type: ignore[import-untyped]

from crawlers.demo_site.pdf import text_pdf

ARTICLE_TEXT = (
    "The Financial Services Agency said on Thursday that banks must test their defences "
    "against AI-assisted cyber attacks, after a frontier model showed it could find software "
    "vulnerabilities within hours. Officials will share threat information with the megabanks "
    "and publish guidance on patching before the end of the month, the agency said."
)


def article_html(title: str, body: str = ARTICLE_TEXT, date: str | None = "2026-05-14") -> str:
    meta = (
        f'<meta property="article:published_time" content="{date}T09:00:00+09:00">' if date else ""
    )
    return (
        f"<!doctype html><html lang='en'><head><title>{title}</title>{meta}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1><p>{body}</p><p>{body}</p></article>"
        "<aside><h3>Popular news</h3><ul><li>Baseball results</li></ul></aside>"
        "<footer>Contact | Privacy</footer></body></html>"
    )


def tiny_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with extractable Helvetica text."""
    return text_pdf(lines, title="G7 statement on AI cyber risk", created=datetime(2026, 5, 20, 9))


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class SiteState:
    robots: str = "rules"  # rules | 404 | 500
    edited_text: str = ARTICLE_TEXT
    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    other_origin: str = ""  # base URL of a second (allowed) server, for cross-origin redirects
    canary_origin: str = ""  # base URL of a loopback server the crawler must never reach

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for hit in self.hits if hit.path == path)

    def times(self, path: str) -> list[float]:
        with self.lock:
            return [hit.at for hit in self.hits if hit.path == path]


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Hostile feed</title><link>{base}/</link><description>x</description>
<item><title>Dated</title><link>{base}/articles/dated?utm_source=rss&amp;utm_medium=feed</link>
<pubDate>Tue, 12 May 2026 08:00:00 GMT</pubDate><description>&lt;script&gt;alert(1)&lt;/script&gt; summary</description></item>
<item><title>No date in feed or page</title><link>{base}/articles/undated</link></item>
<item><title>Date only in feed</title><link>{base}/articles/feed-dated</link><pubDate>Wed, 13 May 2026 08:00:00 GMT</pubDate></item>
<item><title>Variant</title><link>{base}/articles/dated/#comments</link></item>
</channel></rss>"""

BOZO_FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title>
<item><title>First</title><link>{base}/articles/bozo-1</link></item>
<item><title>Second</title><link>{base}/articles/bozo-2</link></item>
<item><title>Third & broken <b></title></item>
"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">]>
<rss version="2.0"><channel><title>&lol6;</title><item><title>x</title><link>{base}/articles/laughs</link></item></channel></rss>"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&xxe;</title><item><title>x</title><link>{base}/articles/xxe</link></item></channel></rss>"""


class HostileHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: SiteState  # set per server class

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # -- helpers ---------------------------------------------------------------------------------

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]  # type: ignore[index,str-unpack]
        return f"http://{host!s}:{port}"

    def send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, location: str, extra: dict[str, str] | None = None) -> None:
        self.send(302, b"", headers={"Location": location, **(extra or {})})

    # -- routes ----------------------------------------------------------------------------------

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        with self.state.lock:
            self.state.hits.append(Hit(path, dict(self.headers.items()), time.monotonic()))
        base = self.base
        if path == "/robots.txt":
            if self.state.robots == "404":
                return self.send(404, b"not found", "text/plain")
            if self.state.robots == "500":
                return self.send(500, b"oops", "text/plain")
            return self.send(
                200,
                b"User-agent: PolicyRadarBot\nDisallow: /forbidden/\n\nUser-agent: *\nDisallow: /nobody/\n",
                "text/plain",
            )
        if path == "/list":
            links = parse_qs(parts.query).get("u", [])
            anchors = "".join(f"<li><a class='case' href='{u}'>{u}</a></li>" for u in links)
            return self.send(200, f"<html><body><ul>{anchors}</ul></body></html>".encode())
        if path == "/feed.xml":
            return self.send(200, FEED.format(base=base).encode(), "application/rss+xml")
        if path == "/sitemap.xml":
            urls = (
                f"<url><loc>{base}/articles/sm-old</loc><lastmod>2026-01-05</lastmod></url>"
                f"<url><loc>{base}/articles/sm-new</loc><lastmod>2099-01-01</lastmod></url>"
            )
            xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            return self.send(200, xml.encode(), "application/xml")
        if path == "/bozo.xml":
            return self.send(200, BOZO_FEED.format(base=base).encode(), "application/rss+xml")
        if path == "/laughs.xml":
            return self.send(200, LAUGHS.format(base=base).encode(), "application/rss+xml")
        if path == "/xxe.xml":
            return self.send(200, XXE.format(base=base).encode(), "application/rss+xml")
        if path == "/articles/dated":
            return self.send(200, article_html("Dated article on AI cyber risk").encode())
        if path == "/articles/undated":
            if self.headers.get("If-Modified-Since") == "Tue, 12 May 2026 08:00:00 GMT":
                return self.send(304, b"")
            return self.send(
                200,
                article_html("Undated AI cyber note", date=None).encode(),
                headers={"Last-Modified": "Tue, 12 May 2026 08:00:00 GMT"},
            )
        if path == "/articles/feed-dated":
            return self.send(200, article_html("Feed-dated AI cyber note", date=None).encode())
        if path == "/articles/future":
            return self.send(200, article_html("Future AI cyber note", date="2031-01-01").encode())
        if path.startswith("/articles/"):
            name = path.rsplit("/", 1)[-1]
            payload = article_html(f"Article {name} on AI cyber defence").encode()
            etag = '"' + str(len(payload)) + name + '"'
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, b"", headers={"ETag": etag})
            return self.send(200, payload, headers={"ETag": etag})
        if path == "/forbidden/secret":
            return self.send(200, article_html("Forbidden AI cyber page").encode())
        if path == "/edited":
            return self.send(
                200, article_html("Edited AI cyber statement", body=self.state.edited_text).encode()
            )
        if path == "/redirect-loop":
            return self.redirect("/redirect-loop")
        if path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[-1])
            return (
                self.redirect(f"/chain/{n + 1}")
                if n < 30
                else self.send(200, article_html("End of chain").encode())
            )
        if path == "/to-metadata":
            return self.redirect("http://169.254.169.254/latest/meta-data/")
        if path == "/to-loopback-other":
            return self.redirect(self.state.canary_origin + "/articles/should-not-be-fetched")
        if path == "/to-ftp":
            return self.redirect("ftp://127.0.0.1/file.txt")
        if path == "/to-other-origin":
            return self.redirect(
                self.state.other_origin + "/articles/cross-origin",
                {"Set-Cookie": "session=secret; Path=/"},
            )
        if path == "/bomb-gzip":
            blob = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
            return self.send(200, blob, headers={"Content-Encoding": "gzip"})
        if path == "/bomb-br":
            blob = brotli.compress(b"\0" * (64 * 1024 * 1024))
            return self.send(200, blob, headers={"Content-Encoding": "br"})
        if path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"<p>" + b"x" * 65536 + b"</p>"
            try:
                for _ in range(100_000):  # bounded: ~6.5 GB, far past any limit
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        if path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            try:
                for _ in range(50 * 16):
                    self.wfile.write(b"y" * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        if path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100")
            self.end_headers()
            try:
                for _ in range(10):
                    self.wfile.write(b"<")
                    self.wfile.flush()
                    time.sleep(10)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        if path == "/hang":
            time.sleep(60)
            return None
        if path == "/limited":
            if self.state.count("/limited") == 1:
                return self.send(429, b"slow down", "text/plain", {"Retry-After": "2"})
            return self.send(200, article_html("Rate-limited AI cyber statement").encode())
        if path == "/broken":
            return self.send(503, b"unavailable", "text/plain")
        if path == "/login":
            return self.send(
                200,
                (
                    b"<html><head><title>Sign in</title></head><body><h1>Members only</h1>"
                    b"<p>Please sign in to continue reading this article about AI cyber risk.</p>"
                    b"<form><input name='user'><input type='password' name='pw'><button>Log in</button>"
                    b"</form></body></html>"
                ),
            )
        if path == "/statement.pdf":
            return self.send(
                200,
                tiny_pdf(
                    [
                        "G7 finance ministers statement on AI and cyber risk.",
                        "Ministers and governors discussed how frontier AI models change cyber threats",
                        "to the financial system, and agreed to share information on vulnerabilities",
                        "and to coordinate responses through the G7 Cyber Expert Group.",
                    ]
                ),
                "application/pdf",
            )
        if path == "/image":
            png = b"\x89PNG\r\n\x1a\n" + b"\0" * 2048
            return self.send(200, png, "image/png")
        if path == "/sjis-bom":
            page = article_html(
                "日本の金融庁がAIサイバー対策の作業部会を設置",
                body="金融庁はサイバー攻撃に対応するため、人工知能の脆弱性に関する作業部会を設置した。"
                * 4,
            )
            return self.send(
                200, b"\xef\xbb\xbf" + page.encode("utf-8"), "text/html; charset=Shift_JIS"
            )
        if path == "/latin1":
            text = (
                "The regulator said \u201cAI cyber risk\u201d costs banks \u20ac5 billion a year \u2014 a warning. "
                * 3
            )
            page = article_html("Windows-1252 AI cyber page", body=text)
            return self.send(200, page.encode("cp1252"), "text/html; charset=ISO-8859-1")
        if path == "/bad-utf8":
            blob = (
                article_html("Broken bytes AI cyber page")
                .encode("utf-8")
                .replace(b"Thursday", b"Thur\xff\xfesday")
            )
            return self.send(200, blob, "text/html; charset=utf-8")
        if path == "/nested":
            depth = 10_000
            page = (
                "<html><body><article><h1>Deeply nested AI cyber page</h1><p>"
                + ARTICLE_TEXT
                + "</p>"
                + "<div>" * depth
                + "<p>deep text that libxml2 will not reach</p>"
                + "</div>" * depth
                + "</article></body></html>"
            )
            return self.send(200, page.encode())
        if path == "/colspan":
            page = (
                "<html><body><article><h1>Table AI cyber page</h1><p>"
                + ARTICLE_TEXT
                + "</p><table><tr>"
                + "<td colspan='9007199254740991'>x</td>" * 50
                + "</tr></table></article></body></html>"
            )
            return self.send(200, page.encode())
        if path == "/script":
            page = article_html(
                "Script-laden AI cyber page",
                body=ARTICLE_TEXT
                + " Analysts quoted the string &lt;script&gt;alert(1)&lt;/script&gt; verbatim.",
            )
            page = page.replace(
                "<footer>",
                "<script>document.write('INJECTED')</script><img src=x onerror=alert(1)><footer>",
            )
            return self.send(200, page.encode())
        if path == "/echo":
            return self.send(200, article_html("Echo").encode())
        return self.send(404, b"not found", "text/plain")

    do_HEAD = do_GET


class HostileServer:
    def __init__(self, host: str = "127.0.0.1", robots: str = "rules") -> None:
        self.state = SiteState(robots=robots)
        handler = type("BoundHandler", (HostileHandler,), {"state": self.state})
        self.httpd = http.server.ThreadingHTTPServer((host, 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def host_port(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"{host!s}:{port}"

    @property
    def base(self) -> str:
        return f"http://{self.host_port}"

    def start(self) -> HostileServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
