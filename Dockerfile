# Production image: gunicorn serves the portal; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
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
RUN useradd --create-home flexwork && mkdir -p /app/media && chown flexwork /app/media
USER flexwork
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4"]
