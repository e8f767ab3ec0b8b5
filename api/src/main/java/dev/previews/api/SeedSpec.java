package dev.previews.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import java.util.Objects;

/** The seed: a Job run once per commit, once the backend is provisioned, to load initial data. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SeedSpec {
    public static final int DEFAULT_BACKOFF_LIMIT = 0;
    public static final long DEFAULT_ACTIVE_DEADLINE_SECONDS = 600;

    @Size(min = 1, max = 512)
    @JsonPropertyDescription("Seed image; default: the backend image. Placeholders are expanded as in backend.image.")
    private String image;

    @JsonPropertyDescription("Entrypoint of the seed container.")
    private List<String> command;

    @JsonPropertyDescription("Arguments of the seed container.")
    private List<String> args;

    @JsonPropertyDescription(
            "Environment of the seed container, in addition to PREVIEW_URL, PREVIEW_NAME, PREVIEW_NAMESPACE, PREVIEW_BRANCH and PREVIEW_COMMIT.")
    private List<EnvVar> env;

    @JsonPropertyDescription(
            "Compute resources (requests and limits) of the seed container. A change runs the seed again, as any change of the seed does.")
    private ResourceRequirements resources;

    @Default("0")
    @Min(0)
    @Max(10)
    @JsonPropertyDescription("Retries of a failed seed before it counts as failed, 0 to 10. Default 0.")
    private Integer backoffLimit;

    @Default("600")
    @Min(1)
    @Max(86400)
    @JsonPropertyDescription("Seconds the seed may run before it counts as failed, 1 to 86400. Default 600.")
    private Long activeDeadlineSeconds;

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
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

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public Integer getBackoffLimit() {
        return backoffLimit;
    }

    public void setBackoffLimit(Integer backoffLimit) {
        this.backoffLimit = backoffLimit;
    }

    public Long getActiveDeadlineSeconds() {
        return activeDeadlineSeconds;
    }

    public void setActiveDeadlineSeconds(Long activeDeadlineSeconds) {
        this.activeDeadlineSeconds = activeDeadlineSeconds;
    }

    public int backoffLimitOrDefault() {
        return backoffLimit == null ? DEFAULT_BACKOFF_LIMIT : backoffLimit;
    }

    public long activeDeadlineSecondsOrDefault() {
        return activeDeadlineSeconds == null ? DEFAULT_ACTIVE_DEADLINE_SECONDS : activeDeadlineSeconds;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeedSpec s
                && Objects.equals(image, s.image)
                && Objects.equals(command, s.command)
                && Objects.equals(args, s.args)
                && Objects.equals(env, s.env)
                && Objects.equals(resources, s.resources)
                && Objects.equals(backoffLimit, s.backoffLimit)
                && Objects.equals(activeDeadlineSeconds, s.activeDeadlineSeconds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(image, command, args, env, resources, backoffLimit, activeDeadlineSeconds);
    }
}
