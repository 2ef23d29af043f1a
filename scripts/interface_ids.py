"""Give every new interface string an id, and write docs/course-format.md's table of ids.

    python scripts/interface_ids.py

reads every ``.po`` catalogue of the engine (``course/locale``,
``course/classroom/locale``), adds an id to ``course/locale/interface-ids.yaml``
for each English message id that has none (``<domain>.<first words>``; rename
it there by hand if a better one comes to mind, before a release: ids are a
contract with course authors), drops ids whose message no catalogue holds any
more, and rewrites the table between the markers in docs/course-format.md.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.load.interface import (  # noqa: E402
    DOMAIN_ORDER,
    REGISTRY,
    catalogue_messages,
    markdown_table,
    read_registry,
    write_registry,
)

DOCS = ROOT / "docs" / "course-format.md"
BEGIN, END = "<!-- interface-ids:begin -->", "<!-- interface-ids:end -->"
STOP = {"the", "a", "an", "of", "to", "and", "this", "is", "it", "s", "d"}


def slug(domain: str, message: str, taken: set[str]) -> str:
    if message.strip(" ,") == "":
        base = [f"separator-{'comma' if ',' in message else 'space'}"]
    else:
        words = re.findall(r"%\((\w+)\)[sd]|([A-Za-z0-9]+)", message.replace("'s", ""))
        base = [(name or word).lower().replace("_", "-") for name, word in words]
    short = [w for w in base if w not in STOP] or base
    for count in range(min(4, len(short)), len(short) + 1):
        candidate = f"{domain}.{'-'.join(short[:count])}"
        if candidate not in taken:
            return candidate
    n = 2
    while f"{domain}.{'-'.join(short)}-{n}" in taken:
        n += 1
    return f"{domain}.{'-'.join(short)}-{n}"


def main() -> int:
    registry = read_registry() if REGISTRY.exists() else {}
    messages = catalogue_messages()  # msgid -> first domain holding it
    known = {msgid: key for key, msgid in registry.items()}
    kept = {key: msgid for key, msgid in registry.items() if msgid in messages}
    taken = set(kept)
    added = []
    ordered = sorted(messages.items(), key=lambda item: DOMAIN_ORDER.get(item[1], len(DOMAIN_ORDER)))
    for msgid, domain in ordered:
        if msgid in known:
            continue
        key = slug(domain, msgid, taken)
        taken.add(key)
        kept[key] = msgid
        added.append(key)
    write_registry(kept)
    text = DOCS.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        DOCS.write_text(f"{head}{BEGIN}\n{markdown_table(kept)}{END}{tail}", encoding="utf-8")
    print(f"{len(kept)} interface ids; added: {', '.join(added) or 'none'}; dropped: {len(registry) - (len(kept) - len(added))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
