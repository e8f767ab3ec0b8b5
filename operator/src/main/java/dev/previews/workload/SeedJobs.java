package dev.previews.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.SeedSpec;
import dev.previews.policy.PodDefaults;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** The seed Job of a preview: one per (commit, seed container, reseed value). Pure functions. */
public final class SeedJobs {
    private SeedJobs() {}

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    /**
     * The seed container the Job would run now, with the plan's {@code defaults} merged under the
     * seed's own settings (a default variable never replaces one the operator sets).
     */
    public static Container container(PreviewDeployment preview, String seedImage, String url, PodDefaults defaults) {
        SeedSpec seed = preview.getSpec().getSeed();
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("PREVIEW_URL", url, null));
        env.add(new EnvVar("PREVIEW_NAME", preview.getMetadata().getName(), null));
        env.add(new EnvVar("PREVIEW_NAMESPACE", preview.getMetadata().getNamespace(), null));
        env.add(new EnvVar("PREVIEW_BRANCH", preview.getSpec().getBranch(), null));
        env.add(new EnvVar("PREVIEW_COMMIT", preview.getSpec().getCommit(), null));
        List<String> operators = env.stream().map(EnvVar::getName).toList();
        env.addAll(Objects.requireNonNullElse(defaults.env(seed.getEnv(), operators), List.of()));
        return new ContainerBuilder()
                .withName("seed")
                .withImage(seedImage)
                .withCommand(BackendResources.emptyToNull(seed.getCommand()))
                .withArgs(BackendResources.emptyToNull(seed.getArgs()))
                .withEnv(env)
                .withEnvFrom(BackendResources.emptyToNull(defaults.envFrom(null)))
                .withResources(defaults.seedResources(seed.getResources()))
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withSecurityContext(RestrictedPodSecurity.container())
                .build();
    }

    /** The value of the preview's reseed annotation ("" when absent): a new value runs the seed again. */
    public static String reseed(PreviewDeployment preview) {
        return preview.getMetadata().getAnnotations() == null
                ? ""
                : preview.getMetadata().getAnnotations().getOrDefault(PreviewDeployment.RESEED_ANNOTATION, "");
    }

    /**
     * Fingerprint of one seed run: the commit, the seed as the user wrote it (its image with the
     * placeholders resolved, command, args, env, resources when given, backoffLimit,
     * activeDeadlineSeconds) and the value of the reseed annotation. A new fingerprint means a new Job.
     * Not how the operator builds the Job's container (the PREVIEW_* variables, the security context)
     * nor the plan's defaults or the preview's imagePullSecrets: an upgrade of the operator that builds
     * it differently, or a change of the platform team's defaults, runs no seed again. A new deployment
     * of the same commit (a preview provisioned again after it expired) seeds again because expiry
     * deletes the seed Jobs and their record.
     */
    public static String fingerprint(PreviewDeployment preview, String seedImage) {
        SeedSpec seed = preview.getSpec().getSeed();
        Map<String, Object> canonical = new TreeMap<>();
        canonical.put("commit", preview.getSpec().getCommit());
        canonical.put("image", seedImage);
        canonical.put("command", Objects.requireNonNullElse(seed.getCommand(), List.of()));
        canonical.put("args", Objects.requireNonNullElse(seed.getArgs(), List.of()));
        canonical.put("env", Objects.requireNonNullElse(seed.getEnv(), List.of()));
        if (seed.getResources() != null) {
            // only when given, so that the fingerprints of seeds without it stay what they were
            canonical.put("resources", seed.getResources());
        }
        canonical.put("backoffLimit", seed.backoffLimitOrDefault());
        canonical.put("activeDeadlineSeconds", seed.activeDeadlineSecondsOrDefault());
        canonical.put("reseed", reseed(preview));
        try {
            return PreviewNames.shortHash(CANONICAL.writeValueAsString(canonical), 6);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a seed spec always serializes", e);
        }
    }

    /** The seed Job; its pod pulls with the preview's imagePullSecrets over the plan's {@code defaults}. */
    public static Job job(PreviewDeployment preview, Container container, String fingerprint, PodDefaults defaults) {
        String commit = preview.getSpec().getCommit();
        String name = PreviewNames.seedJobName(preview.getMetadata().getName(), commit, fingerprint);
        Map<String, String> labels = Ownership.labels(preview, PreviewNames.SEED_COMPONENT, commit);
        labels.put(PreviewNames.LABEL_SEED_FINGERPRINT, fingerprint);
        SeedSpec seed = preview.getSpec().getSeed();
        return new JobBuilder()
                .withMetadata(Ownership.metadata(preview, name, labels))
                .withNewSpec()
                .withBackoffLimit(seed.backoffLimitOrDefault())
                .withActiveDeadlineSeconds(seed.activeDeadlineSecondsOrDefault())
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(Ownership.labels(preview, PreviewNames.SEED_COMPONENT, commit))
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withSecurityContext(RestrictedPodSecurity.pod())
                .withImagePullSecrets(BackendResources.emptyToNull(
                        defaults.imagePullSecrets(preview.getSpec().getImagePullSecrets())))
                .withContainers(container)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}
