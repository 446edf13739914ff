"""The one exception the importer raises (the file as a whole cannot be used), and the
refusals that both the file checks and the shape checks give."""

from django.utils.translation import gettext as _

from core.errors import Invalid


class SheetRefused(Invalid):
    """A file refused as a whole, with one sentence for the uploader (a domain error: the API
    answers it 400 with `detail` and `code`).

    `message` is already translated into the active language; `code` is a stable,
    untranslated name for the reason (``empty``, ``no_header``, ``too_large``, ...).
    """

    code = "refused"

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message, code=code)


def refuse_corrupt() -> SheetRefused:
    return SheetRefused(
        _(
            "The file is damaged or incomplete and cannot be read; save it again from Excel "
            "and upload the new file."
        ),
        "corrupt",
    )


def refuse_unsafe_xml() -> SheetRefused:
    return SheetRefused(
        _(
            "The workbook contains XML declarations that spreadsheets never use and is refused "
            "for safety; save it again from Excel."
        ),
        "unsafe_xml",
    )
