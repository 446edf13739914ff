"""`python manage.py sms_gateway_sim --provider simulator|sens|nhn --port PORT --record FILE`."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rpa.gateway.simulator import make_server


def provider_keys(provider: str) -> dict:
    """The keys a real provider would check, taken from the same settings the adapters send."""
    if provider == "sens":
        keys = {
            "service_id": settings.SENS_SERVICE_ID,
            "access_key": settings.SENS_ACCESS_KEY,
            "secret": settings.SENS_SECRET_KEY,
        }
        names = "SENS_SERVICE_ID, SENS_ACCESS_KEY and SENS_SECRET_KEY"
        kakao = {
            "alimtalk_service_id": settings.SENS_ALIMTALK_SERVICE_ID,
            "channel_id": settings.SENS_KAKAO_CHANNEL_ID,
        }
    elif provider == "nhn":
        keys = {"app_key": settings.NHN_SMS_APP_KEY, "secret": settings.NHN_SMS_SECRET_KEY}
        names = "NHN_SMS_APP_KEY and NHN_SMS_SECRET_KEY"
        kakao = {
            "alimtalk_app_key": settings.NHN_ALIMTALK_APP_KEY,
            "alimtalk_secret": settings.NHN_ALIMTALK_SECRET_KEY,
            "sender_key": settings.NHN_ALIMTALK_SENDER_KEY,
        }
    else:
        return {}
    if not all(keys.values()):
        raise CommandError(f"Set {names}: the simulator checks requests against them.")
    # 알림톡 is answered when its settings are there too.
    return {**keys, **kakao}


class Command(BaseCommand):
    help = "Run an SMS provider simulator that records every accepted message to a file."

    def add_arguments(self, parser):
        parser.add_argument("--provider", choices=("simulator", "sens", "nhn"), default="simulator")
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
        parser.add_argument(
            "--drop-rate",
            type=float,
            default=0.0,
            help="share of send requests accepted whose answer is lost (the connection drops)",
        )
        parser.add_argument(
            "--kakao-miss-rate",
            type=float,
            default=0.0,
            help="share of phones that cannot take a KakaoTalk 알림톡 (they get the SMS failover)",
        )
        parser.add_argument("--latency-ms", type=int, default=0, help="delay of each send request")
        parser.add_argument(
            "--rate-limit", type=float, default=0.0, help="send requests a second before 429"
        )
        parser.add_argument(
            "--senders",
            default="",
            help="registered caller numbers, comma-separated; others are refused (default: any)",
        )

    def handle(self, *args, **options):
        provider = options["provider"]
        senders = frozenset(n.strip() for n in options["senders"].split(",") if n.strip())
        server = make_server(
            host=options["host"],
            port=options["port"],
            record=options["record"],
            fail_rate=options["fail_rate"],
            latency_ms=options["latency_ms"],
            rate_limit=options["rate_limit"],
            busy_rate=options["busy_rate"],
            provider=provider,
            keys=provider_keys(provider),
            senders=senders,
            drop_rate=options["drop_rate"],
            kakao_miss_rate=options["kakao_miss_rate"],
        )
        self.stdout.write(
            f"SMS provider simulator ({provider}) on http://{options['host']}:{options['port']}/"
        )
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
