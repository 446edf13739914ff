"""Receiving a case sheet: streamed to a temporary file, refused while it arrives once too large.

Django's default handlers keep a small file in memory and a large one in a temporary file of
any size, and the page then read the whole file before the importer checked its size: a 2 GB
POST sat in a worker's memory. Here the file always goes to a temporary file, its bytes are
counted as they arrive, and reading stops at RPA_MAX_UPLOAD_BYTES.
"""

from __future__ import annotations

from functools import wraps

from django.core.files.uploadhandler import (
    FileUploadHandler,
    StopUpload,
    TemporaryFileUploadHandler,
)
from django.views.decorators.csrf import csrf_exempt

from .importer import SheetRefused
from .importer.sources import max_upload_bytes, refuse_too_large


class CaseSheetSizeLimit(FileUploadHandler):
    """The first handler: passes each chunk on to the temporary file until the limit, then
    stops the upload. A request that announces more than twice the limit is not read at all
    (the connection is closed after the answer); a smaller one is read to its end without
    keeping it, so that the browser sees the answer."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = max_upload_bytes(None)
        self.received = 0
        self.announced = 0
        self.exceeded = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.announced = content_length or 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.announced > 2 * self.limit:
            self._stop(connection_reset=True)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._stop(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None  # the temporary file handler after this one makes the file

    def _stop(self, *, connection_reset: bool):
        self.exceeded = True
        raise StopUpload(connection_reset=connection_reset)

    def refusal(self) -> SheetRefused | None:
        """The sentence for the uploader when the file was stopped, else None."""
        return refuse_too_large(self.limit) if self.exceeded else None


def receive_case_sheets(request) -> CaseSheetSizeLimit:
    """Make the request stream its files to disk under the case-sheet size limit; call it
    before anything reads request.POST or request.FILES. Returns the limit's handler."""
    limit = CaseSheetSizeLimit(request)
    request.upload_handlers = [limit, TemporaryFileUploadHandler(request)]
    return limit


def receives_case_sheets(view):
    """A view that takes a case sheet: its request streams the file under the size limit, and
    `request.case_sheet_limit` tells whether it was stopped. The view is exempt from the CSRF
    middleware, which would read the body before the handlers are set: a page view checks
    CSRF itself inside (csrf_protect), an API view through its authentication."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.case_sheet_limit = receive_case_sheets(request)
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapper)
