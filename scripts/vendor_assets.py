#!/usr/bin/env python3
"""Vendor the front-end assets under static/vendor/ from pinned npm packages.

Run it only to change a version: the files it writes are committed, and the
platform never fetches anything at run time. It downloads each package's
tarball with `npm pack`, copies the files listed below, and writes
static/vendor/MANIFEST.json with name, version, licence and SHA-256.
"""

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEST = ROOT / "static" / "vendor"

PACKAGES = [
    # (npm name, version, {file in package: file under static/vendor/<short>/})
    (
        "bootstrap",
        "5.3.9",
        {"dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css", "LICENSE": "bootstrap/LICENSE"},
    ),
    ("htmx.org", "2.0.11", {"dist/htmx.min.js": "htmx/htmx.min.js", "LICENSE": "htmx/LICENSE"}),
    ("echarts", "6.1.0", {"dist/echarts.min.js": "echarts/echarts.min.js", "LICENSE": "echarts/LICENSE"}),
]


def main() -> int:
    manifest = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, version, files in PACKAGES:
            out = subprocess.run(
                ["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", tmp],
                check=True,
                capture_output=True,
                text=True,
            )
            info = json.loads(out.stdout)[0]
            tarball = Path(tmp) / info["filename"]
            with tarfile.open(tarball) as tf:
                pkg = json.load(tf.extractfile("package/package.json"))
                for src, dst in files.items():
                    target = DEST / dst
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with tf.extractfile(f"package/{src}") as fsrc, open(target, "wb") as fdst:
                        shutil.copyfileobj(fsrc, fdst)
                    manifest.append(
                        {
                            "package": name,
                            "version": pkg["version"],
                            "license": pkg.get("license", ""),
                            "file": dst,
                            "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
                            "tarball_integrity": info.get("integrity", ""),
                        }
                    )
    (DEST / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    print(f"vendored {len(manifest)} files into {DEST}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
