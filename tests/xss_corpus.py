"""XSS payloads for every place user text reaches a page: lesson text, question text,
options, feedback, attachment names, imported course files and GIFT.

Each payload tries a different way out (a tag, an attribute, a URL scheme, Markdown's own
link and image syntax, entities, template syntax). Every element a payload could create
carries an id or class starting ``xss``, so a test can look for it in the DOM as well as
for a dialog: the CSP alone would stop inline script, and the test must not lean on it.
"""

from __future__ import annotations

PAYLOADS = [
    "<script id=xss1>alert('xss1')</script>",
    "<img id=xss2 src=x onerror=\"alert('xss2')\">",
    '"><img id=xss3 src=x onerror=alert(3)>',
    "'><svg id=xss4 onload=alert(4)>",
    "[klikk](javascript:alert('xss5'))",
    "[klikk](JaVaScRiPt:alert(6))",
    '![bilde](x" onerror="alert(7))',
    "<a id=xss8 href=javascript:alert(8)>lenke</a>",
    "<iframe id=xss9 srcdoc='<script>parent.alert(9)</script>'></iframe>",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMCk8L3NjcmlwdD4=)",
    "<details id=xss11 open ontoggle=alert(11)>",
    "&lt;script&gt;alert(12)&lt;/script&gt;",
    "{{ 7*7 }}{% raw %}<b class=xss13>",
    "<style>body{display:none}</style><p class=xss14>",
    "<math><mtext><table><mglyph><style><img id=xss15 src=x onerror=alert(15)>",
    "javascript:alert(16)",
    "<body onload=alert(17)>",
    '<input id=xss18 autofocus onfocus="alert(18)">',
]

# What a page must never contain once a payload went through it.
DANGEROUS_SELECTOR = (
    "[id^=xss], [class^=xss], [onerror], [onload], [onfocus], [ontoggle], "
    "iframe, a[href^='javascript:' i], a[href^='data:' i], img[src^='javascript:' i]"
)


def one_text() -> str:
    """Every payload in one text, a paragraph each."""
    return "\n\n".join(PAYLOADS)
