# Grafana for the local stack, with the Daedalus data sources (PostgreSQL and HTTP API via Infinity) and dashboards
# provisioned. See docs/grafana.md.
FROM grafana/grafana-oss:12.4.3
# Keep Grafana's own state in a subfolder so the data volume does not hide the dashboards and plugins baked in below.
ENV GF_PATHS_DATA=/var/lib/grafana/data
# The HTTP/JSON data source, installed at build time so the container starts offline.
RUN grafana cli --pluginsDir /var/lib/grafana/plugins plugins install yesoreyeram-infinity-datasource
# Data source defaults: the compose `postgres` service and the compose `functions` app; override at run time.
ENV DAEDALUS_GRAFANA_PG_URL=postgres:5432 \
    DAEDALUS_GRAFANA_PG_USER=daedalus \
    DAEDALUS_GRAFANA_PG_DATABASE=daedalus \
    DAEDALUS_GRAFANA_PG_SSLMODE=disable \
    DAEDALUS_API_URL=http://functions:80 \
    DAEDALUS_API_KEY_HEADER=x-functions-key \
    DAEDALUS_API_KEY=""
COPY --chown=472:0 grafana/provisioning/ /etc/grafana/provisioning/
COPY --chown=472:0 grafana/dashboards/ /var/lib/grafana/dashboards/
