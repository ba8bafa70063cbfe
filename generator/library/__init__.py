"""The library side: patterns and problems (load, validate, score, link, fix, import, new).

Nothing here imports MkDocs, Material, Pagefind or Jinja: `pip install patternlib` (what the
pre-commit hook installs) gives all of it without the site's dependencies.
"""
