"""The demo's evidence PDF is a real document: poppler reads its page and text."""

import re
import shutil
import subprocess

import pytest

from demo.pdf import one_page_pdf


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_poppler_reads_the_page_and_its_text(tmp_path):
    path = tmp_path / "evidence.pdf"
    path.write_bytes(one_page_pdf(["Rectification evidence (demo)", "Second line"]))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Rectification evidence (demo)" in text and "Second line" in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
