# The invalidator. Build from the repository root:
#   docker build -f deploy/docker/invalidator.Dockerfile -t cachesync/invalidator .
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -pl invalidator -am package -DskipTests \
 && ./mvnw -B -q -pl invalidator dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 cachesync
WORKDIR /app
COPY --from=build /src/invalidator/target/lib/ lib/
COPY --from=build /src/invalidator/target/invalidator-*.jar lib/
USER 10001
EXPOSE 8080
# Kafka Streams keeps its (small) state here; an emptyDir is enough, nothing needs to survive a restart.
ENV INVALIDATOR_STATE_DIR=/tmp/invalidator-state
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/lib/*", "dev.cachesync.invalidator.runtime.InvalidatorMain"]
