# The public site over a release, read-only: `gkreport serve --immutable` on the database that
# `gkreport release release/ --db gkreport.db` wrote into release/ (in this folder).
#
#   gkreport release release/ --db gkreport.db
#   docker build -t gkreport-site .
#   docker run -p 8001:8001 gkreport-site          # http://127.0.0.1:8001/
#
# Cloud Run and Fly set PORT; one container serves one copy of the file, so any number of them
# can stand behind a load balancer or a CDN (README: "Replicas").
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md metadata.yml ./
COPY gkreport gkreport
COPY datasette_plugins datasette_plugins
RUN pip install --no-cache-dir . && rm -rf /app
# only what the site reads: the database and its row counts, checked against the release's checksums
COPY release/gkreport.db release/gkreport.db.inspect.json release/SHA256SUMS /srv/gkreport/
RUN cd /srv/gkreport && sha256sum -c --ignore-missing --quiet SHA256SUMS && chmod -R a-w /srv/gkreport
USER nobody
WORKDIR /srv/gkreport
ENV PORT=8001
EXPOSE 8001
CMD ["sh", "-c", "exec gkreport serve --immutable --db /srv/gkreport/gkreport.db --host 0.0.0.0 --port ${PORT:-8001}"]
