# The dispatcher image: one image for the web (gunicorn) and the engine (dispatcher worker).
# Build: docker build -t dispatcher .   Run the whole topology: docker compose up (compose.yaml)
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md requirements.lock ./
COPY dispatcher ./dispatcher
RUN pip wheel --no-cache-dir --wheel-dir /wheels -c requirements.lock '.[server]'

FROM python:3.11-slim
RUN useradd --system --create-home --home-dir /srv/dispatcher dispatcher
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels 'dispatcher[server]' \
    && rm -rf /wheels
WORKDIR /srv/dispatcher
COPY gunicorn.conf.py ./
USER dispatcher
ENV PYTHONUNBUFFERED=1 \
    DISPATCHER_ENGINE_IN_PROCESS=false \
    DISPATCHER_INSTANCE_DIR=/srv/dispatcher/instance
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
