"""`python -m config.preflight`: check PostgreSQL and Redis answer, create the database if missing.

Says in one sentence what to start or set when something does not answer, instead of a traceback.
"""

import os
import sys

import dj_database_url
import psycopg2
import redis
from psycopg2 import sql

PG_START = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
REDIS_START = "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no"


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/flexwork")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    db = dj_database_url.parse(database_url)
    try:
        conn = psycopg2.connect(
            dbname="postgres",
            user=db["USER"],
            password=db["PASSWORD"],
            host=db["HOST"],
            port=db["PORT"] or 5432,
            connect_timeout=3,
        )
    except psycopg2.OperationalError:
        print(
            f"PostgreSQL does not answer at {db['HOST']}:{db['PORT'] or 5432}: start it ({PG_START}) "
            "or set DATABASE_URL to a server that runs.",
            file=sys.stderr,
        )
        return 1
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
            print(f"Created database {db['NAME']}.")
    conn.close()
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        print(
            f"Redis does not answer at {redis_url}: start it ({REDIS_START}) or set REDIS_URL to a server that runs.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
