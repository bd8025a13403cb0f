"""Copy the front-end files the pages use from node_modules into static/vendor.

Run by ``make`` after ``npm ci``: the platform serves every asset itself, since
government intranets block CDNs.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
DEST = ROOT / "src" / "postaward" / "static" / "vendor"

FILES = {
    "bootstrap/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "bootstrap/bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "bootstrap-icons/bootstrap-icons.min.css": "bootstrap-icons/font/bootstrap-icons.min.css",
    "bootstrap-icons/fonts": "bootstrap-icons/font/fonts",
    "htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "echarts/echarts.min.js": "echarts/dist/echarts.min.js",
    "leaflet/leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet/leaflet.css": "leaflet/dist/leaflet.css",
    "leaflet/images": "leaflet/dist/images",
    "leaflet.markercluster/leaflet.markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "leaflet.markercluster/MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
}


def main() -> int:
    missing = [src for src in FILES.values() if not (NODE / src).exists()]
    if missing:
        print("missing in node_modules (run npm ci):", *missing, sep="\n  ", file=sys.stderr)
        return 1
    for dest, src in FILES.items():
        target = DEST / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        if (NODE / src).is_dir():
            shutil.copytree(NODE / src, target, dirs_exist_ok=True)
        else:
            shutil.copy2(NODE / src, target)
    print(f"vendored {len(FILES)} assets into {DEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
