"""Read an .xlsx for tests without a spreadsheet library: the cells of its sheets
as (reference, type, text, has_formula), straight from the XML in the zip."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@dataclass(frozen=True)
class Cell:
    ref: str
    type: str  # "s" shared string, "n" number, "str" formula string, "inlineStr", "b", ...
    text: str
    formula: bool


def _shared_strings(z: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in z.namelist():
        return []
    root = ET.fromstring(z.read("xl/sharedStrings.xml"))  # noqa: S314  # our own output
    return ["".join(t.text or "" for t in si.iter(f"{NS}t")) for si in root.iter(f"{NS}si")]


def read_cells(data: bytes) -> list[Cell]:
    """Every cell of every worksheet, in order."""
    z = zipfile.ZipFile(io.BytesIO(data))
    shared = _shared_strings(z)
    cells: list[Cell] = []
    for name in sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet")):
        root = ET.fromstring(z.read(name))  # noqa: S314  # our own output
        for c in root.iter(f"{NS}c"):
            kind = c.get("t", "n")
            v = c.find(f"{NS}v")
            raw = v.text if v is not None and v.text is not None else ""
            if kind == "s" and raw:
                text = shared[int(raw)]
            elif kind == "inlineStr":
                text = "".join(t.text or "" for t in c.iter(f"{NS}t"))
            else:
                text = raw
            cells.append(Cell(c.get("r", ""), kind, text, c.find(f"{NS}f") is not None))
    return cells


def has_hyperlinks(data: bytes) -> bool:
    z = zipfile.ZipFile(io.BytesIO(data))
    return any("hyperlink" in z.read(n).decode("utf-8", "ignore") for n in z.namelist())
