"""Files as a clerk hands them over on a Chinese Windows PC: Notepad's "ANSI" (GBK), its
"Unicode" (UTF-16 with a BOM), UTF-8 with a BOM, CRLF or lone-CR line ends, tabs and
full-width spaces. ``import``, ``validate``, ``build`` and ``diff`` read them all, every
character as written, and say how on stderr; what is none of these is refused at its line
with exit 2, and nothing is written."""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from dutylist import cli as cli_module
from dutylist import labels
from dutylist.source.text import NotUtf8, decode

from .conftest import REAL_SYNONYMS, REAL_YAML, ROOT
from .editions import base_text

SOURCES = sorted((ROOT / "data" / "source").glob("*.txt"))

# How a file may come out of Notepad, WPS or another PC: name -> str to bytes.
ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8 with BOM": lambda t: t.encode("utf-8-sig"),
    "GBK (Notepad ANSI)": lambda t: t.encode("gbk"),
    "GB18030": lambda t: t.encode("gb18030"),
    "UTF-16 LE with BOM (Notepad Unicode)": lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
    "UTF-16 BE with BOM": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
}
NOTES = {"GBK (Notepad ANSI)": "GBK/GB18030", "GB18030": "GBK/GB18030",
         "UTF-16 LE with BOM (Notepad Unicode)": "UTF-16", "UTF-16 BE with BOM": "UTF-16"}


def _main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["dutylist", *args])
    with pytest.raises(SystemExit) as exit_info:
        cli_module.main()
    return int(exit_info.value.code or 0)


# --------------------------------------------------------------------------- decoding


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_encoding_decodes_to_the_same_characters(encoding: str) -> None:
    text = "序号 事项类别\r\n1 党的建设 “两个确立”—…·①\tⅡ　（全角空格）€\n"
    if "GBK" not in encoding:
        text += "𠀀 ẞ\n"  # outside GBK: GB18030 and UTF-16 still hold them
    else:
        text = text.replace("€", "")
    decoded = decode(ENCODINGS[encoding](text))
    assert decoded.text == text
    shown = NOTES.get(encoding)
    assert decoded.note("x.txt") == (f"已按 {shown} 编码读取 x.txt" if shown else None)


@pytest.mark.parametrize(
    ("raw", "line", "says"),
    [
        (b"1 abc\n2 caf\xe9\n", 2, labels.NOT_UTF8.format(guess="")),  # Latin-1
        # UTF-8 with one line pasted from a GBK file: damaged, never read as GBK
        ("第一行是 UTF-8 的中文。\n".encode() * 3 + "第四行是 GBK。\n".encode("gbk"), 4,
         labels.BROKEN_UTF8),
        # a UTF-8 file with a BOM and a bad byte further on
        (b"\xef\xbb\xbf" + "中文\n".encode() + b"\xff\n", 2, labels.BROKEN_UTF8),
        # UTF-16 without a byte-order mark (no editor on Windows writes it, but iconv does)
        ("序号 事项类别\n1 党的建设\n".encode("utf-16-le"), 1,
         labels.NOT_UTF8.format(guess=labels.ENCODING_UTF16)),
        # UTF-16 cut in the middle of a character
        (b"\xff\xfe" + "序号".encode("utf-16-le") + b"\x41", 1,
         labels.NOT_UTF8.format(guess=labels.ENCODING_UTF16_BROKEN)),
        # UTF-32 starts with UTF-16's mark: refused, not read as NUL-riddled UTF-16
        ("序号\n".encode("utf-32"), 1, labels.NOT_UTF8.format(guess="")),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 1,
         labels.NOT_TEXT.format(guess=labels.NOT_TEXT_KINDS["pdf"])),
        (b"PK\x03\x04\x14\x00\x06\x00", 1,
         labels.NOT_TEXT.format(guess=labels.NOT_TEXT_KINDS["office"])),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", 1,
         labels.NOT_TEXT.format(guess=labels.NOT_TEXT_KINDS["office"])),
        (b"SQLite format 3\x00" + bytes(100), 1,
         labels.NOT_TEXT.format(guess=labels.NOT_TEXT_KINDS["sqlite"])),
        # Big5 (Taiwan, Hong Kong): GB18030 decodes it strictly, to the wrong characters
        ("序號 事項類別\n".encode("ascii", "ignore") + b"abc\n"
         + "臺灣省政府辦理事項清單，請依規定辦理並回報。\n".encode("big5") * 3, 3,
         labels.NOT_UTF8.format(guess=labels.ENCODING_NOT_GBK)),
        # random bytes with NULs (a binary file)
        (bytes(range(256)) * 4, 1, labels.NOT_UTF8.format(guess="")),
    ],
)
def test_what_decodes_as_none_is_refused_at_its_line(raw: bytes, line: int, says: str) -> None:
    with pytest.raises(NotUtf8) as info:
        decode(raw)
    assert (info.value.line, info.value.message()) == (line, says)


# --------------------------------------------------------------------------- import


def _variants(text: str) -> dict[str, str]:
    """The same text as it may be saved on Windows or retyped: line ends and spaces."""
    lines = text.split("\n")
    return {
        "as is": text,
        "CRLF": text.replace("\n", "\r\n"),
        "lone CR": text.replace("\n", "\r"),
        "tabs": text.replace(" ", "\t"),
        "full-width spaces": text.replace(" ", "\u3000"),
        "trailing spaces and blank lines": "\r\n".join(f"{s} \t\u3000\r\n" for s in lines),
        "form feeds at page headers": "\n".join(
            "\f" + s if "序号" in s else s for s in lines),
    }


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "data" / "source").mkdir(parents=True)
    (tmp_path / "data" / "synonyms.yaml").write_bytes(REAL_SYNONYMS.read_bytes())
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_every_encoding_and_line_end_imports_byte_identically(
    source: Path, checkout: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The GB18030, GBK and UTF-16 encodings of data/source/*.txt, with any line ends or
    spaces, import to exactly the YAML of the UTF-8 text (decoding changes no character)."""
    text = source.read_text(encoding="utf-8")
    given = checkout / "data" / "source" / source.name

    def imported(raw: bytes, name: str) -> bytes:
        given.write_bytes(raw)
        out = checkout / f"{name}.yaml"
        code = _main(monkeypatch, "import", str(given), "-o", str(out),
                     "--previous", str(REAL_YAML))
        err = capsys.readouterr().err
        assert code == 0, err
        assert "Traceback" not in err and "内部错误" not in err
        return out.read_bytes()

    expected = imported(text.encode("utf-8"), "utf8")
    assert "编码读取" not in capsys.readouterr().err
    for encoding, encode in ENCODINGS.items():
        got = imported(encode(text), "encoded")
        assert got == expected, encoding
    for variant, changed in _variants(text).items():
        for encoding in ("utf-8", "GB18030", "UTF-16 LE with BOM (Notepad Unicode)"):
            assert imported(ENCODINGS[encoding](changed), "variant") == expected, (
                variant, encoding)


@pytest.mark.parametrize("encoding", ["GBK (Notepad ANSI)", "UTF-16 LE with BOM (Notepad Unicode)"])
def test_import_says_how_it_read_the_text_once(
    encoding: str, checkout: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    given = checkout / "data" / "source" / "edition.txt"
    given.write_bytes(ENCODINGS[encoding](base_text()))
    assert _main(monkeypatch, "import", "data/source/edition.txt") == 0
    err = capsys.readouterr().err
    note = f"已按 {NOTES[encoding]} 编码读取 data/source/edition.txt"
    assert err.count("编码读取") == 1 and err.startswith(note), err
    yaml_bytes = (checkout / "data" / "duties.yaml").read_bytes()
    yaml_bytes.decode("utf-8")  # the YAML written is always UTF-8
    assert not yaml_bytes.startswith(b"\xef\xbb\xbf")


def _break_at(text: str, line: int) -> str:
    """The text with line ``line`` (1-based) replaced by an item number out of turn."""
    lines = text.split("\n")
    lines[line - 1] = "7 党的建设 插入的错行"
    return "\n".join(lines)


@pytest.mark.parametrize("encoding", ["GB18030", "UTF-16 LE with BOM (Notepad Unicode)",
                                      "utf-8 with BOM"])
@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_file_line_in_messages_is_the_editors_line(
    encoding: str, line_end: str, checkout: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An error names the line a clerk sees in Notepad, whatever the encoding and line
    ends, with form feeds (pdftotext's page breaks) and other separators in the text."""
    lines = base_text().split("\n")
    at = next(i for i, s in enumerate(lines) if s.startswith("30 ")) + 1  # item 30's line
    text = "\n".join(["\f" + s if "序号" in s else s + "\x0b" * (i % 2)
                      for i, s in enumerate(lines)])
    text = _break_at(text.replace("\x0b", "\u2028"), at + 3)
    path = checkout / "broken.txt"
    path.write_bytes(ENCODINGS[encoding](text.replace("\n", line_end)))
    out = checkout / "out.yaml"
    out.write_bytes(REAL_YAML.read_bytes())
    assert _main(monkeypatch, "import", str(path), "-o", str(out)) == 2
    err = capsys.readouterr().err
    assert f"错误：{path}:{at + 3}: " in err, err
    assert "Traceback" not in err
    assert out.read_bytes() == REAL_YAML.read_bytes()  # the existing YAML untouched


@pytest.mark.parametrize(
    "raw",
    [b"1 abc\n2 caf\xe9\n", "序号\n".encode("utf-16-le"), b"%PDF-1.4\n", b"PK\x03\x04\x00"],
    ids=["latin-1", "utf-16 without BOM", "pdf", "docx"],
)
def test_a_file_in_no_encoding_read_leaves_everything_as_it_was(
    raw: bytes, checkout: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = checkout / "odd.txt"
    path.write_bytes(raw)
    data = checkout / "data" / "duties.yaml"
    data.write_bytes(REAL_YAML.read_bytes())
    for command in (["import", str(path)], ["validate", str(path)], ["build", str(path)],
                    ["diff", str(path), str(data)]):
        assert _main(monkeypatch, *command, *(["--db", "x.db"] if command[0] in (
            "validate", "build") else [])) == 2, command
        err = capsys.readouterr().err
        assert f"{path}:" in err and "Traceback" not in err and "内部错误" not in err, err
    assert data.read_bytes() == REAL_YAML.read_bytes()
    assert not (checkout / "x.db").exists()


# --------------------------------------------------------------------------- YAML files


def _content(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, metadata without what names or dates the files and the build."""
    own = {"built_at", "source_path", "source_sha256", "synonyms_path", "synonyms_sha256"}
    with contextlib.closing(sqlite3.connect(db)) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        content = {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                   for t in tables}
    content["metadata"] = [row for row in content["metadata"] if row[0] not in own]
    return content


def test_gbk_yaml_and_utf16_synonyms_build_the_same_database(
    checkout: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    utf8 = checkout / "utf8"
    windows = checkout / "windows"
    for folder in (utf8, windows):
        folder.mkdir()
    (utf8 / "duties.yaml").write_bytes(REAL_YAML.read_bytes())
    (utf8 / "synonyms.yaml").write_bytes(REAL_SYNONYMS.read_bytes())
    crlf = REAL_YAML.read_text(encoding="utf-8").replace("\n", "\r\n")
    (windows / "duties.yaml").write_bytes(crlf.encode("gbk"))
    cr = REAL_YAML.read_text(encoding="utf-8").replace("\n", "\r")  # lines over 10,000 if
    (checkout / "cr.yaml").write_bytes(cr.encode("utf-8"))  # not counted as lines
    assert _main(monkeypatch, "validate", "cr.yaml", "--db", "utf8.db") == 0
    capsys.readouterr()
    synonyms = REAL_SYNONYMS.read_text(encoding="utf-8")
    (windows / "synonyms.yaml").write_bytes(ENCODINGS["UTF-16 LE with BOM (Notepad Unicode)"](
        synonyms))
    assert _main(monkeypatch, "build", "utf8/duties.yaml", "--db", "utf8.db") == 0
    assert "编码读取" not in capsys.readouterr().err
    for command in ("validate", "build"):
        assert _main(monkeypatch, command, "windows/duties.yaml", "--db", "windows.db") == 0
        err = capsys.readouterr().err
        assert err.count("编码读取") == 2, err
        assert "已按 GBK/GB18030 编码读取 windows/duties.yaml" in err
        assert "已按 UTF-16 编码读取 windows/synonyms.yaml" in err
    assert _content(checkout / "utf8.db") == _content(checkout / "windows.db")
    assert _main(monkeypatch, "diff", "utf8/duties.yaml", "windows/duties.yaml") == 0
    captured = capsys.readouterr()
    assert "已按 GBK/GB18030 编码读取 windows/duties.yaml" in captured.err
    # and the GBK list is read as the previous one by an import
    given = checkout / "data" / "source" / "edition.txt"
    given.write_text(base_text(), encoding="utf-8")
    assert _main(monkeypatch, "import", str(given), "-o", "new.yaml",
                 "--previous", "windows/duties.yaml") == 0
    assert "已按 GBK/GB18030 编码读取 windows/duties.yaml" in capsys.readouterr().err
