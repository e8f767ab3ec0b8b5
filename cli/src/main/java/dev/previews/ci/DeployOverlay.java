package dev.previews.ci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.previews.api.PreviewDeployment;
import dev.previews.ci.DeployOptions.Backend;
import dev.previews.ci.DeployOptions.Preview;
import dev.previews.ci.DeployOptions.Seed;
import dev.previews.ci.DeployOptions.Source;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** What deploy writes over the stored preview: the template, the branch and commit, and deploy's flags. */
final class DeployOverlay {
    static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");

    private final Source source;
    private final Backend backend;
    private final Seed seed;
    private final Preview preview;
    private final Terminal terminal;
    private final Consumer<String> say;

    DeployOverlay(Source source, Backend backend, Seed seed, Preview preview, Terminal terminal, Consumer<String> say) {
        this.source = source;
        this.backend = backend;
        this.seed = seed;
        this.preview = preview;
        this.terminal = terminal;
        this.say = say;
    }

    /**
     * What deploy sets: the template, then branch, commit and the flags. The name is --name, else
     * derived from the branch; a template's own name counts only when the branch came from it too (a
     * manifest for one branch), since a template shared by all branches must not give them one name.
     */
    ObjectNode of(ObjectNode template, CiEnvironment.Source src) {
        ObjectNode o = template.deepCopy();
        ObjectNode meta = PreviewManifest.at(o, "metadata");
        String templateName = meta.path("name").asText(null);
        String name = source.name != null
                ? source.name
                : templateName != null && src.origin().equals(CiEnvironment.TEMPLATE)
                        ? templateName
                        : PreviewNaming.nameFor(src.branch());
        if (source.name == null && templateName != null && !templateName.equals(name)) {
            say.accept("note: the template's metadata.name " + templateName + " is not used for branch " + src.branch()
                    + "; the name comes from the branch (pass --name to choose one)");
        }
        meta.put("name", name);
        preview.labels.forEach(
                (k, v) -> PreviewManifest.at(o, "metadata", "labels").put(k, v));
        preview.annotations.forEach(
                (k, v) -> PreviewManifest.at(o, "metadata", "annotations").put(k, v));
        if (seed.reseed) {
            PreviewManifest.at(o, "metadata", "annotations")
                    .put(
                            PreviewDeployment.RESEED_ANNOTATION,
                            terminal.clock().instant().toString());
        }
        ObjectNode spec = PreviewManifest.at(o, "spec");
        spec.put("branch", src.branch());
        spec.put("commit", src.commit());
        if (backend.image != null) PreviewManifest.at(o, "spec", "backend").put("image", backend.image);
        if (backend.port != null) PreviewManifest.at(o, "spec", "backend").put("port", backend.port);
        if (backend.replicas != null) PreviewManifest.at(o, "spec", "backend").put("replicas", backend.replicas);
        if (backend.readinessPath != null)
            PreviewManifest.at(o, "spec", "backend").put("readinessPath", backend.readinessPath);
        if (backend.command != null) {
            var words = PreviewManifest.at(o, "spec", "backend").putArray("command");
            Words.split(backend.command).forEach(words::add);
        }
        PreviewManifest.putEnv(o, env("--env", backend.env), "spec", "backend");
        if (seed.image != null) PreviewManifest.at(o, "spec", "seed").put("image", seed.image);
        if (seed.command != null) {
            var words = PreviewManifest.at(o, "spec", "seed").putArray("command");
            Words.split(seed.command).forEach(words::add);
        }
        PreviewManifest.putEnv(o, env("--seed-env", seed.env), "spec", "seed");
        if (preview.ttl != null) spec.put("ttl", preview.ttl);
        if (preview.ingressHost != null)
            PreviewManifest.at(o, "spec", "ingress").put("host", preview.ingressHost);
        if (preview.ingressClass != null)
            PreviewManifest.at(o, "spec", "ingress").put("className", preview.ingressClass);
        if (preview.tlsSecret != null) PreviewManifest.at(o, "spec", "ingress").put("tlsSecretName", preview.tlsSecret);
        if (preview.rollover != null) spec.put("rollover", preview.rollover.name());
        return o;
    }

    private Map<String, String> env(String flag, List<String> entries) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            String name = eq < 0 ? entry : entry.substring(0, eq);
            if (!ENV_NAME.matcher(name).matches()) {
                throw CliFailure.invalid(
                        flag + " " + entry + ": '" + name + "' is not a valid environment variable name");
            }
            String value = eq < 0 ? terminal.env().get(name) : entry.substring(eq + 1);
            if (value == null) {
                throw CliFailure.invalid(
                        flag + " " + name + ": no '=VALUE' given and " + name + " is not set in this environment");
            }
            values.put(name, value);
        }
        return values;
    }
}
