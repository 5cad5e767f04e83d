"""Whether the address of the public reporting channel (``XUNCHA_PUBLIC_URL``, printed as the
QR code of the 巡察公告) is one the public can reach, and what the office should do if not."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings

SETTING = "XUNCHA_PUBLIC_URL"
EXAMPLE = "https://xuncha.example.gov.cn"


def _local(host: str) -> bool:
    if host in ("localhost", "testserver") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def public_url_problem() -> str | None:
    """A Chinese warning for the office when the public address is missing, malformed or a
    local one (127.0.0.1, localhost: the platform's default, which a phone cannot open); None
    when it looks like an address the public can reach."""
    url = (settings.XUNCHA.get("PUBLIC_URL") or "").strip()
    fix = (
        f"请系统管理员在服务器环境变量中设置 {SETTING} 为群众可以访问的网址（例如 {EXAMPLE}），"
        "重启服务后再生成巡察公告。"
    )
    if not url:
        return f"群众访问的在线举报网址尚未设置，巡察公告的二维码无法指向举报页面。{fix}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"在线举报网址“{url}”不是有效的网址，巡察公告的二维码将无法打开。{fix}"
    if _local(parts.hostname):
        return f"在线举报网址尚未设置：现在使用的是本机地址 {url}，群众扫描巡察公告的二维码无法打开。{fix}"
    return None
