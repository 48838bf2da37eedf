# The portal's image: web (gunicorn), Celery worker and beat all run from it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PATH="/app/.venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=aimq_portal.settings.production

# The same uv as the Makefile, so the lock file is read the same way.
RUN pip install --no-cache-dir uv==0.13.9

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .

# The portal's own modules compiled here, as uv compiled the dependencies (UV_COMPILE_BYTECODE):
# otherwise each gunicorn worker compiles them as it starts, and keeps some megabytes of memory
# from it (PYTHONDONTWRITEBYTECODE: nothing is written at run time).
RUN python -m compileall -q -x '/\.venv/' /app

# collectstatic imports the production settings, which refuse to load without a real
# configuration; these placeholders exist for this one command and are not kept in the image.
RUN SECRET_KEY="collectstatic-build-step-placeholder-0123456789abcdefghijklmnopqrstuvwxyz" \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --no-input

# var/ holds the beat schedule (and e-mails, if EMAIL_URL is left on files).
RUN useradd --system --uid 1000 --home-dir /app aimq \
    && mkdir -p /app/var /app/media \
    && chown -R aimq /app/var /app/media
USER aimq

EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --no-input && exec gunicorn aimq_portal.wsgi --bind 0.0.0.0:8000 --workers 3 --access-logfile -"]
