"""Small fixes to the HTML the book's Sphinx stack produces, found by tests/test_browser.py.

* sphinx-thebe adds its configuration script once per reading pass; Jupyter Book's
  build runs two, so every page declared ``const THEBE_JS_URL`` twice and the browser
  raised "Identifier 'THEBE_JS_URL' has already been declared". Duplicate scripts are
  dropped here (the book does not use Thebe; launch buttons go to Colab and Binder).
* pydata-sphinx-theme logs "Got invalid theme mode" when no default mode is set; the book
  opens in the light theme, whose contrast the theme's authors checked.
"""
from __future__ import annotations


def _fix_page(app, pagename, templatename, context, doctree):
    seen, kept = set(), []
    for script in context.get("script_files", []):
        # same file, or same inline body: one copy (registrations may differ in priority)
        key = (str(getattr(script, "filename", script) or ""), getattr(script, "attributes", {}).get("body"))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    context["script_files"] = kept
    if not context.get("default_mode"):
        context["default_mode"] = "light"


def setup(app):
    app.connect("html-page-context", _fix_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
