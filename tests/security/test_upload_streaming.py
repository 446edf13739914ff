"""An oversized upload is refused while it arrives: the server stops reading it at the limit.

The request body is a stream that counts what the server reads, as a web server's socket
would: a 100 MB POST must be refused with the size sentence after reading a small part of
it, never read whole (let alone held in memory), and nothing is stored.
"""

import io

import pytest
from django.urls import reverse

from rpa.models import Upload

BOUNDARY = "----flexwork-test-boundary"
MB = 1024 * 1024


class CountingBody(io.RawIOBase):
    """A multipart body of one file field of `size` bytes, produced as it is read."""

    def __init__(self, size: int, token: str = ""):
        head = ""
        if token:
            head += (
                f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
                f'name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
            )
        head += (
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
            f'name="file"; filename="huge.csv"\r\nContent-Type: text/csv\r\n\r\n'
        )
        self.head = head.encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.size = size
        self.length = len(self.head) + size + len(self.tail)
        self.position = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        start = self.position
        end = min(start + len(buffer), self.length)
        chunk = bytearray(b"a") * (end - start)
        # The head and the tail are copied in where they overlap this read.
        head_end = len(self.head)
        tail_start = head_end + self.size
        if start < head_end:
            piece = self.head[start : min(end, head_end)]
            chunk[: len(piece)] = piece
        if end > tail_start:
            begin = max(start, tail_start)
            piece = self.tail[begin - tail_start : end - tail_start]
            chunk[begin - start : begin - start + len(piece)] = piece
        buffer[: end - start] = chunk
        self.position = end
        return end - start


def post_streamed(client, url: str, body: CountingBody):
    return client.request(
        REQUEST_METHOD="POST",
        PATH_INFO=url,
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(body.length),
        **{"wsgi.input": io.BufferedReader(body, buffer_size=64 * 1024)},
    )


@pytest.mark.parametrize("url_name", ["rpa:uploads", "rpa-api:uploads"])
def test_hundred_megabyte_upload_is_refused_without_reading_it(client_for, health_user, url_name):
    body = CountingBody(100 * MB)
    response = post_streamed(client_for(health_user), reverse(url_name), body)
    assert response.status_code == 400
    assert "20MB" in response.content.decode()  # "파일이 20MB보다 큽니다 ..."
    assert body.position < 2 * MB
    assert not Upload.objects.exists()


def test_file_just_over_the_limit_is_refused_after_reading_it_to_the_end(client_for, health_user):
    body = CountingBody(25 * MB)
    response = post_streamed(client_for(health_user), reverse("rpa:uploads"), body)
    assert response.status_code == 400
    assert "20MB" in response.content.decode()
    assert body.position == body.length  # read to its end, so that the browser sees the answer
    assert not Upload.objects.exists()
