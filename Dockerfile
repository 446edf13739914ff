# Production image: gunicorn serves the portal; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY core ./core
COPY accounts ./accounts
COPY approvals ./approvals
COPY smartcenters ./smartcenters
COPY worktime ./worktime
COPY rpa ./rpa
RUN pip install --no-cache-dir .
COPY . .
RUN export DJANGO_SECRET_KEY=build-only \
 && python manage.py compilemessages --ignore=.venv -v0 \
 && python manage.py collectstatic --noinput -v0
# The volumes docker-compose.yml mounts here start as copies of these folders: owned by the
# app user, so uploads, reports and attachments can be written; the private one for it alone.
RUN useradd --create-home flexwork \
 && mkdir -p /app/media /app/private \
 && chown flexwork:flexwork /app/media /app/private \
 && chmod 700 /app/private
ENV MEDIA_ROOT=/app/media RPA_PRIVATE_ROOT=/app/private
USER flexwork
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4"]
