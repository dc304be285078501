FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY models models
COPY crawler crawler
COPY portal portal
COPY tagging tagging
COPY fakeweb fakeweb
COPY cli.py scheduler.py sources.yaml themes.yaml ./
RUN pip install --no-cache-dir . && useradd --create-home --uid 10001 howardshome
USER howardshome
EXPOSE 8000
CMD ["howardshome", "serve", "--host", "0.0.0.0", "--port", "8000"]
