"""The site-wide Content-Security-Policy (ADR 0012): pages run only the
platform's own scripts; an inline script needs the response's nonce."""

from __future__ import annotations

import re
from pathlib import Path

import postaward
from postaward.core.middleware import page_policy

TEMPLATES = sorted(Path(postaward.__file__).parent.rglob("templates/**/*.html"))


def test_pages_carry_the_policy_with_a_fresh_nonce(district):
    client = district.client("office_admin")
    first = client.get("/projects/map/")
    second = client.get("/projects/map/")
    assert first.status_code == 200
    policy = first["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy.split(";")[1]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)  # type: ignore[union-attr]
    assert f'nonce="{nonce}"' in first.content.decode()
    assert nonce not in second["Content-Security-Policy"]


def test_no_template_has_an_inline_script_without_nonce_or_an_inline_handler():
    assert TEMPLATES
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or "csp_nonce" in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=\s*[\"']", text), path
        assert "javascript:" not in text, path


def test_tile_hosts_are_allowed_for_images(settings, monkeypatch):
    monkeypatch.setenv("POSTAWARD_MAP_TILE_URL", "https://{s}.tiles.example.gov.cn/{z}/{x}/{y}.png")
    settings.POSTAWARD = {**settings.POSTAWARD, "CSP_TILE_HOSTS": ["https://tiles2.example"]}
    img = next(p for p in page_policy("n").split("; ") if p.startswith("img-src"))
    assert "https://*.tiles.example.gov.cn" in img and "https://tiles2.example" in img
    assert "script-src 'self' 'nonce-n'" in page_policy("n")
