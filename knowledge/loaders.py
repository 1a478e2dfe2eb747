"""Read documents into chunks: MedQuAD XML, Markdown, plain text, HTML and PDF.

A bad file raises BadDocument with the reason; ingestion skips it and counts it.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED = {".xml", ".md", ".markdown", ".txt", ".html", ".htm", ".pdf"}
MAX_CHUNK_CHARS = 1500
BINARY_SNIFF_BYTES = 4096


class BadDocument(Exception):
    pass


@dataclass
class Chunk:
    id: str
    text: str
    title: str
    url: str
    source: str
    question: str = ""
    focus: str = ""
    synonyms: list[str] = field(default_factory=list)

    @property
    def search_key(self) -> str:
        """What the dense index embeds: the question a MedQuAD answer answers, else the passage."""
        return f"{self.question} ({self.focus})" if self.question else self.text

    def metadata(self, path: str, file_hash: str) -> dict:
        return {"citation": self.id, "doc": document_part(self.id), "title": self.title, "url": self.url,
                "source": self.source, "question": self.question, "focus": self.focus,
                "path": path, "file_hash": file_hash}


def document_part(citation: str) -> str:
    return re.sub(r"_Sec\d+$", "", citation)


def load(path: Path, name: str | None = None) -> list[Chunk]:
    """Chunks of one file; `name` (the path relative to the ingested folder) keys local ids."""
    name = name or path.name
    suffix = path.suffix.lower()
    raw = path.read_bytes()
    if not raw.strip():
        raise BadDocument("empty file")
    if suffix == ".pdf":
        return _pdf(path, name)
    if b"\x00" in raw[:BINARY_SNIFF_BYTES]:
        raise BadDocument("binary content")
    text = _decode(raw)
    if suffix == ".xml":
        return _medquad(text)
    if suffix in (".html", ".htm"):
        return _html(path, name, text)
    return _plain(path, name, text)


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8", "utf-16"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        return text
    raise BadDocument("unknown text encoding (not UTF-8 or UTF-16)")


# MedQuAD ships two XML layouts: <Document>/<QAPair> and an older <doc>/<pair>.
LAYOUTS = {
    "Document": {"id": "id", "source": "source", "focus": "Focus", "pair": "QAPair", "q": "Question", "a": "Answer"},
    "doc": {"id": "docid", "source": "corpus", "focus": "doctitle-focus", "pair": "pair", "q": "question", "a": "answer"},
}


def _medquad(text: str) -> list[Chunk]:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        raise BadDocument(f"malformed XML: {err}") from err
    layout = LAYOUTS.get(root.tag)
    if layout is None:
        raise BadDocument(f"XML root <{root.tag}> is not a MedQuAD document")
    doc_id, source, url = root.get(layout["id"]), root.get(layout["source"]), root.get("url", "")
    focus = (root.findtext(layout["focus"]) or "").strip()
    synonyms = [s.text.strip() for s in root.iter("Synonym") if s.text]
    chunks = []
    for pair in root.iter(layout["pair"]):
        answer = _squash(pair.findtext(layout["a"]) or "")
        if not answer:
            continue
        question = _squash(pair.findtext(layout["q"]) or "")
        citation = f"{source}_{doc_id}_Sec{pair.get('pid')}"
        for piece in split_paragraphs(answer):
            chunks.append(Chunk(citation, piece, focus or question, url, source, question, focus, synonyms))
    return chunks


def split_paragraphs(text: str, limit: int = MAX_CHUNK_CHARS) -> list[str]:
    """Long answers split on paragraph (or sentence) boundaries into pieces under the limit."""
    if len(text) <= limit:
        return [text]
    parts = [p for p in re.split(r"\s{3,}|\n\s*\n|(?<=[.!?])\s+", text) if p.strip()]
    pieces, current = [], ""
    for part in parts:
        if current and len(current) + len(part) + 1 > limit:
            pieces.append(current.strip())
            current = ""
        current += " " + part
    if current.strip():
        pieces.append(current.strip())
    return pieces


def _squash(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text).strip()


def _plain(path: Path, name: str, text: str) -> list[Chunk]:
    title_match = re.search(r"^#\s+(.+)$", text, re.M)
    title = title_match.group(1).strip() if title_match else path.stem.replace("_", " ").replace("-", " ")
    url_match = re.search(r"^(?:url|source):\s*(\S+)", text, re.M | re.I)
    body = re.sub(r"^(?:#\s+.+|(?:url|source):\s*\S+)$", "", text, count=2, flags=re.M | re.I)
    return _paragraph_chunks(name, body, title, url_match.group(1) if url_match else "")


def _html(path: Path, name: str, text: str) -> list[Chunk]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "nav", "footer"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else path.stem
    canonical = soup.find("link", rel="canonical")
    body = "\n\n".join(p.get_text(" ", strip=True) for p in soup.find_all(["h1", "h2", "h3", "p", "li"]))
    return _paragraph_chunks(name, body or soup.get_text("\n"), title, canonical.get("href", "") if canonical else "")


def _pdf(path: Path, name: str) -> list[Chunk]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        text = "\n\n".join(page.extract_text() or "" for page in reader.pages)
        title = (reader.metadata.title if reader.metadata else None) or path.stem
    except (PdfReadError, ValueError, OSError) as err:
        raise BadDocument(f"unreadable PDF: {err}") from err
    return _paragraph_chunks(name, text, title, "")


def _paragraph_chunks(name: str, text: str, title: str, url: str) -> list[Chunk]:
    paragraphs = [_squash(p) for p in re.split(r"\n\s*\n", text) if _squash(p)]
    if not paragraphs:
        raise BadDocument("no text")
    merged = split_paragraphs("\n\n".join(paragraphs))
    stem = "local_" + hashlib.sha1(name.encode()).hexdigest()[:10]
    return [Chunk(f"{stem}_Sec{i + 1}", piece, title, url, "local", focus=title) for i, piece in enumerate(merged)]
