package dev.previews.spec;

import dev.previews.api.BackendSpec;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentSpec;
import dev.previews.api.SeedSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the CRD schema cannot check about a preview's spec, and the values it resolves to (expanded
 * image, seed image and host, TTL). Pure function. The schema's own rules are checked again because
 * an API server without the schema (the sandbox) does not enforce them.
 */
public final class SpecCheck {
    private SpecCheck() {}

    private static final Pattern COMMIT = Pattern.compile("^[0-9a-f]{7,40}$");
    private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

    /** A spec with its templates expanded. {@code seedImage} is null without a seed; {@code host} without an Ingress. */
    public record Resolved(String image, String seedImage, String host, Duration ttl) {}

    /** Either the resolved spec, or the problems found, each naming its field. */
    public record Result(Resolved resolved, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }

        public String message() {
            return String.join("; ", problems);
        }
    }

    public static Result check(PreviewDeployment preview, String hostTemplate) {
        List<String> problems = new ArrayList<>();
        String name = preview.getMetadata().getName();
        String namespace = preview.getMetadata().getNamespace();
        PreviewNames.problemWithPreviewName(name).ifPresent(problems::add);
        PreviewDeploymentSpec spec = preview.getSpec();
        if (spec == null) {
            return new Result(null, List.of("spec is missing"));
        }
        if (spec.getBranch() == null
                || spec.getBranch().isEmpty()
                || spec.getBranch().length() > 255) {
            problems.add("spec.branch must have 1 to 255 characters");
        }
        if (spec.getCommit() == null || !COMMIT.matcher(spec.getCommit()).matches()) {
            problems.add("spec.commit '" + spec.getCommit() + "' is not 7 to 40 lower-case hex characters");
        }
        BackendSpec backend = spec.getBackend();
        if (backend == null || backend.getImage() == null || backend.getImage().isBlank()) {
            problems.add("spec.backend.image is required");
        }
        if (problems.stream().anyMatch(q -> q.startsWith("spec."))) {
            return new Result(null, problems);
        }
        if (backend.portOrDefault() < 1 || backend.portOrDefault() > 65535) {
            problems.add("spec.backend.port " + backend.getPort() + " is not between 1 and 65535");
        }
        if (backend.replicasOrDefault() < 0 || backend.replicasOrDefault() > 10) {
            problems.add("spec.backend.replicas " + backend.getReplicas() + " is not between 0 and 10");
        }
        String image = image("spec.backend.image", backend.getImage(), spec, problems);
        String seedImage = null;
        SeedSpec seed = spec.getSeed();
        if (seed != null) {
            seedImage = seed.getImage() == null ? image : image("spec.seed.image", seed.getImage(), spec, problems);
            if (seed.backoffLimitOrDefault() < 0 || seed.backoffLimitOrDefault() > 10) {
                problems.add("spec.seed.backoffLimit " + seed.getBackoffLimit() + " is not between 0 and 10");
            }
            if (seed.activeDeadlineSecondsOrDefault() < 1 || seed.activeDeadlineSecondsOrDefault() > 86400) {
                problems.add("spec.seed.activeDeadlineSeconds " + seed.getActiveDeadlineSeconds()
                        + " is not between 1 and 86400");
            }
        }
        Duration ttl = null;
        if (spec.getTtl() != null) {
            try {
                ttl = Durations.parse(spec.getTtl());
            } catch (IllegalArgumentException e) {
                problems.add("spec.ttl: " + e.getMessage());
            }
        }
        String host = null;
        String hostField = spec.getIngress() != null && spec.getIngress().getHost() != null
                ? "spec.ingress.host"
                : "the operator's ingress.hostTemplate";
        String template = spec.getIngress() != null && spec.getIngress().getHost() != null
                ? spec.getIngress().getHost()
                : hostTemplate;
        if (template != null && !template.isBlank()) {
            try {
                host = Placeholders.expand(
                        hostField, template, Placeholders.forHost(name, namespace, spec.getBranch()));
                hostProblem(hostField, host).ifPresent(problems::add);
            } catch (Placeholders.UnresolvedPlaceholder e) {
                problems.add(e.getMessage());
            }
        }
        return problems.isEmpty()
                ? new Result(new Resolved(image, seedImage, host, ttl), List.of())
                : new Result(null, problems);
    }

    private static String image(String field, String template, PreviewDeploymentSpec spec, List<String> problems) {
        try {
            String image =
                    Placeholders.expand(field, template, Placeholders.forImage(spec.getBranch(), spec.getCommit()));
            ImageReference.problem(field, image).ifPresent(problems::add);
            return image;
        } catch (Placeholders.UnresolvedPlaceholder e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private static Optional<String> hostProblem(String field, String host) {
        if (host.length() > 253) {
            return Optional.of(field + ": host '" + host + "' is longer than 253 characters");
        }
        for (String label : host.split("\\.", -1)) {
            if (label.length() > 63 || !DNS_LABEL.matcher(label).matches()) {
                return Optional.of(field + ": host '" + host + "' is not a valid DNS name");
            }
        }
        return Optional.empty();
    }
}
