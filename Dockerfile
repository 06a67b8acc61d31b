# One image for every process: web (gunicorn, the default command), the
# one-shot migrate, the Celery worker and Celery beat (see docker-compose.yml).
FROM python:3.11-slim

# PYTHONPATH: import the project from /app, next to manage.py, templates/ and
# staticfiles/, rather than from the copy `pip install .` puts in site-packages.
# PORT and WEB_CONCURRENCY are gunicorn's defaults for --bind 0.0.0.0:$PORT
# and --workers. OPENBLAS_NUM_THREADS: one thread per process for numpy (the similar
# claims' search), which scans faster alone than sharing the cores with the workers.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DATA_DIR=/app/var \
    PORT=8000 \
    WEB_CONCURRENCY=3 \
    OPENBLAS_NUM_THREADS=1

# A home of its own: gunicorn keeps its control socket in ~/.gunicorn.
RUN groupadd --system factcheck \
    && useradd --system --gid factcheck --create-home --home-dir /home/factcheck factcheck

WORKDIR /app

# Dependencies get their own layer, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
# The key only lets settings load for collectstatic; it is not in the final
# environment, and the running containers must be given their own SECRET_KEY.
RUN pip install . \
    && rm -rf build ./*.egg-info \
    && SECRET_KEY=build-only-not-secret DEBUG=false python manage.py collectstatic --noinput \
    && mkdir -p var \
    && chown factcheck:factcheck var

# The code stays root-owned and read-only to the app; only var/ is writable.
USER factcheck
EXPOSE 8000
CMD ["gunicorn", "factcheck.wsgi"]
