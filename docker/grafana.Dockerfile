# Grafana for the local stack, with the Daedalus PostgreSQL data source and dashboards provisioned.
FROM grafana/grafana-oss:12.4.3
# Keep Grafana's own state in a subfolder so the data volume does not hide the dashboards baked in below.
ENV GF_PATHS_DATA=/var/lib/grafana/data
COPY --chown=472:0 grafana/provisioning/ /etc/grafana/provisioning/
COPY --chown=472:0 grafana/dashboards/ /var/lib/grafana/dashboards/
