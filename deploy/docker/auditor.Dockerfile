# The consistency auditor. Build from the repository root:
#   docker build -f deploy/docker/auditor.Dockerfile -t cachesync/auditor .
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -pl auditor -am package -DskipTests \
 && ./mvnw -B -q -pl auditor dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 cachesync
WORKDIR /app
COPY --from=build /src/auditor/target/lib/ lib/
COPY --from=build /src/auditor/target/auditor-*.jar lib/
USER 10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/lib/*", "dev.cachesync.auditor.runtime.AuditorMain"]
