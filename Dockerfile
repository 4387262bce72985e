# VNG Oekraïne-assistent: the aiohttp service that Microsoft Teams (through the Bot Connector) calls.
#
#   docker build -t vng-oekraine-assistent:1.0.0 .
#   docker run --rm -p 3978:3978 --env-file production.env vng-oekraine-assistent:1.0.0
#
# The container speaks plain HTTP on $PORT (3978); the hosting platform terminates HTTPS in front
# of it and forwards https://HOST/api/messages. Settings come from the environment (see
# docs/deploy.md); no .env file or secret is baked into the image (.dockerignore keeps them out).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 \
    PORT=3978

WORKDIR /app

# 1. Dependencies only (the project's runtime dependencies from pyproject.toml, no test extra),
#    in their own layer so that a code change doesn't reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; open('/tmp/requirements.txt', 'w').write('\n'.join(deps) + '\n')" \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# 2. The project itself. `python app.py` runs from /app, so the code (and content/, migrations)
#    is used from here; `pip install` records the project and checks its dependencies are met.
COPY . .
# The byte code of the project's own modules is compiled here, once: with PYTHONDONTWRITEBYTECODE nothing
# is written at run time, and without these files every start compiles every module again (about a second).
RUN pip install --no-deps . \
 && python -m compileall -q app.py bot dialogs storage manifest \
 && rm -rf build *.egg-info \
 && groupadd --system --gid 10001 bot \
 && useradd --system --uid 10001 --gid bot --home-dir /app --no-create-home --shell /usr/sbin/nologin bot \
 && mkdir -p /app/data \
 && chown bot:bot /app/data

# Run as a user without privileges; it can write only /app/data (SQLite, when no DATABASE_URL).
USER bot

EXPOSE 3978

# /healthz answers 200 when the service and its database are up. No curl in the slim image, so
# Python does the request; urlopen raises (exit code 1) on a refused connection or a non-2xx answer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3978'), timeout=4)"]

CMD ["python", "app.py"]
