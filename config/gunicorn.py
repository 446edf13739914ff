"""gunicorn's settings, for `make run`, the image and compose:
`gunicorn -c config/gunicorn.py config.wsgi`.

Access and error lines go through a logger that takes the secret out of self-check links and
calendar-feed addresses (config/secret_urls.py) in the request line and the Referer alike,
before anything is written.
"""

from gunicorn.glogging import Logger

from config.secret_urls import RedactSecretURLs

_REDACT = RedactSecretURLs()


class RedactingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            # The same filter object: a configuration reload runs setup again without stacking.
            log.addFilter(_REDACT)


logger_class = RedactingLogger
accesslog = "-"
