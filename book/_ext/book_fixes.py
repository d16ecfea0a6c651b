"""Small fixes to the HTML the book's Sphinx stack produces, found by tests/test_browser.py.

* sphinx-thebe adds its configuration script once per reading pass; Jupyter Book's
  build runs two, so every page declared ``const THEBE_JS_URL`` twice and the browser
  raised "Identifier 'THEBE_JS_URL' has already been declared". Duplicate scripts are
  dropped here (the book does not use Thebe; launch buttons go to Colab and Binder).
* Colab does not render MyST roles, so the Colab button of a chapter opens its copy in
  ``colab/`` (tools/colab_export.py), where glossary terms, citations and cross-references
  are plain links to this book, instead of the source notebook.
* pydata-sphinx-theme logs "Got invalid theme mode" when no default mode is set; the book
  opens in the light theme, whose contrast the theme's authors checked.
"""
from __future__ import annotations

import re

CHAPTER_ON_COLAB = re.compile(r"(colab\.research\.google\.com/github/.+?/blob/[^/]+/)notebooks/(\d\d_[\w-]+\.ipynb)$")


def _colab_copies(buttons):
    """Point every Colab launch link of a chapter at its copy in colab/."""
    for button in buttons or []:
        if isinstance(button, dict):
            url = button.get("url")
            if isinstance(url, str):
                button["url"] = CHAPTER_ON_COLAB.sub(r"\1colab/\2", url)
            _colab_copies(button.get("buttons"))


def _fix_page(app, pagename, templatename, context, doctree):
    seen, kept = set(), []
    for script in context.get("script_files", []):
        # same file, or same inline body: one copy (registrations may differ in priority)
        key = (str(getattr(script, "filename", script) or ""), getattr(script, "attributes", {}).get("body"))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    context["script_files"] = kept
    _colab_copies(context.get("header_buttons"))
    if not context.get("default_mode"):
        context["default_mode"] = "light"


def setup(app):
    app.connect("html-page-context", _fix_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
