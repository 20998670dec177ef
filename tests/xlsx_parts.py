"""XLSX-shaped zips for the attack tests: a part may be streamed in, never held whole."""

from __future__ import annotations

import io
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)


def workbook_zip(parts: dict[str, object], *, compresslevel: int = 6) -> bytes:
    """A zip of ``[Content_Types].xml`` and ``parts``.

    A part given as ``(head, piece, times, tail)`` is written as ``head``, ``piece`` (or
    ``piece(i)`` when callable) ``times`` times, then ``tail``, streamed into the zip.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        for name, body in parts.items():
            if isinstance(body, tuple):
                head, piece, times, tail = body
                with z.open(name, "w", force_zip64=True) as fh:
                    fh.write(head)
                    for i in range(times):
                        fh.write(piece(i) if callable(piece) else piece)
                    fh.write(tail)
            else:
                z.writestr(name, body)
    return buf.getvalue()
