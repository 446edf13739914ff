"""The one exception the importer raises: the file as a whole cannot be used."""


class SheetRefused(Exception):
    """A file refused as a whole, with one sentence for the uploader.

    `message` is already translated into the active language; `code` is a stable,
    untranslated name for the reason (``empty``, ``no_header``, ``too_large``, ...).
    """

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.message = str(message)
        self.code = code

    def __str__(self) -> str:
        return self.message
