"""mkdocs hook: the repository's own Markdown files become pages of the site.

README.md, CONTRIBUTING.md and reference_data/README.md live outside ``docs/`` and are written
for GitHub: a link starting with ``/`` is read from the repository root, and a relative link from
the file's own folder. The site serves them under ``repository/`` and rewrites such links to the
site's pages, so ``mkdocs build --strict`` checks them like any other link and a reader of the
built site never meets a dead one. mkdocs.yml names this file under ``hooks``.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

#: Repository file → its page in the site.
REPOSITORY_PAGES = {
    "README.md": "repository/README.md",
    "CONTRIBUTING.md": "repository/CONTRIBUTING.md",
    "reference_data/README.md": "repository/reference_data/README.md",
}
DOCS = "docs/"

FENCE = re.compile(r"^(```|~~~).*?^\1", re.DOTALL | re.MULTILINE)
LINK = re.compile(r"(\[[^\]\n]*\]\()([^)\s]+)(\))")


def on_files(files: Files, config: Any) -> Files:
    root = Path(config.config_file_path).parent
    for source, uri in REPOSITORY_PAGES.items():
        files.append(File.generated(config, uri, abs_src_path=str(root / source)))
    return files


def site_target(repository_path: str) -> str | None:
    """The site page of a repository path, or None when the site does not serve it."""
    if repository_path in REPOSITORY_PAGES:
        return REPOSITORY_PAGES[repository_path]
    if repository_path.startswith(DOCS):
        return repository_path[len(DOCS) :]
    return None


def rewrite_link(target: str, page_uri: str, repository_folder: str | None) -> str:
    """``target`` as written for GitHub, as a link from the site page ``page_uri``.

    ``repository_folder`` is the repository folder of a page copied from outside ``docs/``
    (None for a page of ``docs/``, whose relative links mkdocs resolves itself)."""
    if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
        return target
    path, hash_mark, anchor = target.partition("#")
    if path.startswith("/"):
        repository_path = path.lstrip("/")
    elif repository_folder is not None:
        repository_path = posixpath.normpath(posixpath.join(repository_folder, path))
    else:
        return target
    site_path = site_target(repository_path)
    if site_path is None:
        return target  # left for --strict to report
    relative = posixpath.relpath(site_path, posixpath.dirname(page_uri) or ".")
    return relative + hash_mark + anchor


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    page_uri = page.file.src_uri
    sources = {uri: source for source, uri in REPOSITORY_PAGES.items()}
    folder = posixpath.dirname(sources[page_uri]) if page_uri in sources else None

    def rewrite(text: str) -> str:
        return LINK.sub(
            lambda m: m.group(1) + rewrite_link(m.group(2), page_uri, folder) + m.group(3), text
        )

    # Code blocks keep their text: a link shown as an example is not a link.
    pieces, last = [], 0
    for block in FENCE.finditer(markdown):
        pieces += [rewrite(markdown[last : block.start()]), block.group(0)]
        last = block.end()
    pieces.append(rewrite(markdown[last:]))
    return "".join(pieces)
