"""`python manage.py sms_gateway_sim --port PORT --record FILE`: the SMS gateway simulator."""

from django.core.management.base import BaseCommand

from rpa.gateway.simulator import make_server


class Command(BaseCommand):
    help = "Run a bulk-SMS gateway simulator that records every accepted message to a file."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--record", required=True, help="JSON-lines file of accepted messages")
        parser.add_argument(
            "--fail-rate",
            type=float,
            default=0.0,
            help="share of messages rejected and of requests failed (5xx or dropped answer)",
        )
        parser.add_argument(
            "--busy-rate",
            type=float,
            default=0.0,
            help="share of messages turned away for now (temporary: sent again later)",
        )
        parser.add_argument("--latency-ms", type=int, default=0, help="delay of each send request")
        parser.add_argument(
            "--rate-limit", type=float, default=0.0, help="send requests a second before 429"
        )

    def handle(self, *args, **options):
        server = make_server(
            host=options["host"],
            port=options["port"],
            record=options["record"],
            fail_rate=options["fail_rate"],
            latency_ms=options["latency_ms"],
            rate_limit=options["rate_limit"],
            busy_rate=options["busy_rate"],
        )
        self.stdout.write(f"SMS gateway simulator on http://{options['host']}:{options['port']}/")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
