package dev.previews.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import java.util.Objects;

/**
 * The backend container. Only the usual container settings are exposed: nothing here can weaken the
 * restricted Pod Security the operator applies (no privileged mode, host namespaces, hostPath or
 * added capabilities).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackendSpec {
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_REPLICAS = 1;

    @Required
    @Size(min = 1, max = 512)
    @JsonPropertyDescription(
            "Container image. The placeholders {{commit}}, {{shortCommit}} and {{branch}} (made tag-safe) are expanded, so a GitOps manifest only changes spec.commit on a push.")
    private String image;

    @Default("8080")
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("Container port the backend listens on; the Service exposes it on port 80. Default 8080.")
    private Integer port;

    @JsonPropertyDescription("Entrypoint override (the image's ENTRYPOINT when empty).")
    private List<String> command;

    @JsonPropertyDescription("Arguments to the entrypoint (the image's CMD when empty).")
    private List<String> args;

    @JsonPropertyDescription("Environment variables of the backend container.")
    private List<EnvVar> env;

    @JsonPropertyDescription(
            "Environment of the backend container taken whole from ConfigMaps (configMapRef) and Secrets (secretRef), each with an optional prefix; optional: true starts the pod without a missing one. The operator passes the references on and never reads them; env wins over envFrom, and a later source over an earlier one.")
    private List<EnvFromSource> envFrom;

    @JsonPropertyDescription("Compute resources (requests and limits) of the backend container.")
    private ResourceRequirements resources;

    @Default("1")
    @Min(0)
    @Max(10)
    @JsonPropertyDescription("Number of backend pods, 0 to 10. Default 1.")
    private Integer replicas;

    @Pattern("^/[^\\s]*$")
    @JsonPropertyDescription(
            "HTTP path probed for readiness (e.g. /healthz). Without it, readiness is a TCP check on the port.")
    private String readinessPath;

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public List<String> getCommand() {
        return command;
    }

    public void setCommand(List<String> command) {
        this.command = command;
    }

    public List<String> getArgs() {
        return args;
    }

    public void setArgs(List<String> args) {
        this.args = args;
    }

    public List<EnvVar> getEnv() {
        return env;
    }

    public void setEnv(List<EnvVar> env) {
        this.env = env;
    }

    public List<EnvFromSource> getEnvFrom() {
        return envFrom;
    }

    public void setEnvFrom(List<EnvFromSource> envFrom) {
        this.envFrom = envFrom;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getReadinessPath() {
        return readinessPath;
    }

    public void setReadinessPath(String readinessPath) {
        this.readinessPath = readinessPath;
    }

    public int portOrDefault() {
        return port == null ? DEFAULT_PORT : port;
    }

    public int replicasOrDefault() {
        return replicas == null ? DEFAULT_REPLICAS : replicas;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackendSpec b
                && Objects.equals(image, b.image)
                && Objects.equals(port, b.port)
                && Objects.equals(command, b.command)
                && Objects.equals(args, b.args)
                && Objects.equals(env, b.env)
                && Objects.equals(envFrom, b.envFrom)
                && Objects.equals(resources, b.resources)
                && Objects.equals(replicas, b.replicas)
                && Objects.equals(readinessPath, b.readinessPath);
    }

    @Override
    public int hashCode() {
        return Objects.hash(image, port, command, args, env, envFrom, resources, replicas, readinessPath);
    }
}
