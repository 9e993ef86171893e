"""PDF from HTML templates (WeasyPrint) and QR codes (segno). Fonts: the system's serif with Vietnamese glyphs."""

from django.conf import settings
from django.template.loader import render_to_string


def qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=3, border=1)


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported on use: loading Pango costs time at start-up

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
