# PostgreSQL for the local stack. The init script only creates the empty `daedalus` database;
# the app creates and upgrades its schema itself (migrations run when it starts).
FROM postgres:15
COPY postgres/initdb/ /docker-entrypoint-initdb.d/
