# The operator's image: the operator module's shaded jar on a small, non-root JRE base (distroless Java 17: no shell,
# no package manager, user 65532). Build it where a registry is reachable:
#   docker build -t ghcr.io/previews-dev/preview-operator:0.1.0 .
# or, without Docker, with jib (see pom.xml):  mvn -DskipTests -pl operator -am package jib:build -Djib.to.image=...
# The container runs `preview-operator run ...`; deploy/04-deployment.yaml and the Helm chart pass
# the arguments. The JVM flags below are checked by JarIT, which runs the jar with them.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# the operator module and the modules it needs (api): no simulator, CLI or dev tools in the image
RUN mvn -B -q -DskipTests -pl operator -am package

FROM gcr.io/distroless/java17-debian12:nonroot
LABEL org.opencontainers.image.title="preview-operator" \
      org.opencontainers.image.description="Preview backends for every git branch, on Kubernetes"
COPY --from=build /src/operator/target/preview-operator.jar /app/preview-operator.jar
USER 65532:65532
EXPOSE 8081
ENTRYPOINT ["/usr/bin/java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData", "-Djava.io.tmpdir=/tmp", "-jar", "/app/preview-operator.jar"]
CMD ["run"]
