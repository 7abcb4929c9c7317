# The catalog service with its outbox relay. Build from the repository root:
#   docker build -f deploy/docker/catalog-producer.Dockerfile -t cachesync/catalog-producer .
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -pl catalog-producer -am package -DskipTests \
 && ./mvnw -B -q -pl catalog-producer dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 cachesync
WORKDIR /app
COPY --from=build /src/catalog-producer/target/lib/ lib/
COPY --from=build /src/catalog-producer/target/catalog-producer-*.jar lib/
USER 10001
# 8081: the API; 9081: health and metrics (CATALOG_MANAGEMENT_PORT), for monitoring only.
EXPOSE 8081 9081
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/lib/*", "dev.cachesync.catalog.app.CatalogProducerMain"]
