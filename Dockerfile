# Slim image for the portal and the scheduler: dependencies built in one stage, run as non-root.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY models models
COPY crawler crawler
COPY portal portal
COPY tagging tagging
COPY fakeweb fakeweb
COPY cli.py scheduler.py ./
RUN pip install .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH \
    HOWARDSHOME_SOURCES=/app/sources.yaml HOWARDSHOME_THEMES=/app/themes.yaml \
    HOWARDSHOME_STATE_DIR=/app/state HOWARDSHOME_HOST=0.0.0.0
RUN useradd --create-home --uid 10001 howardshome \
    && mkdir -p /app/state && chown howardshome:howardshome /app/state
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=howardshome:howardshome sources.yaml themes.yaml ./
USER howardshome
EXPOSE 8000
CMD ["howardshome", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "4"]
