"""The one PDF renderer: HTML with print CSS in, PDF bytes out. Called from tasks only, never a request."""


def render_pdf(html: str, *, base_url: str | None = None, **options) -> bytes:
    """`options` go to WeasyPrint's `write_pdf` (e.g. `pdf_variant="pdf/ua-1"` for a tagged, accessible PDF)."""
    # WeasyPrint is heavy to import; importing it here keeps start-up and every request that renders nothing fast.
    import weasyprint

    return weasyprint.HTML(string=html, base_url=base_url).write_pdf(**options)
