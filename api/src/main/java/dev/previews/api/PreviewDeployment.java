package dev.previews.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One git branch's preview backend: the resource the operator reconciles. */
@Group(PreviewDeployment.GROUP)
@Version(PreviewDeployment.VERSION)
@Plural("previewdeployments")
@ShortNames({"pd", "preview"})
@AdditionalPrinterColumn(name = "Branch", jsonPath = ".spec.branch", type = Type.STRING)
@AdditionalPrinterColumn(name = "Commit", jsonPath = ".status.shortCommit", type = Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "URL", jsonPath = ".status.url", type = Type.STRING)
@AdditionalPrinterColumn(name = "Expires", jsonPath = ".status.expiresAt", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@AdditionalPrinterColumn(name = "Plan", jsonPath = ".status.plan", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(
        name = "Seeded",
        jsonPath = ".status.conditions[?(@.type==\"Seeded\")].status",
        type = Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(name = "External", jsonPath = ".status.externalUrl", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Next", jsonPath = ".status.next.shortCommit", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Rollover", jsonPath = ".status.next.phase", type = Type.STRING, priority = 1)
public class PreviewDeployment extends CustomResource<PreviewDeploymentSpec, PreviewDeploymentStatus>
        implements Namespaced {
    public static final String GROUP = "previews.dev";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    public static final String KIND = "PreviewDeployment";
    /** Annotation whose new value asks for the seed to run again against the running backend. */
    public static final String RESEED_ANNOTATION = "previews.dev/reseed";
    /** Annotation whose new value wakes an asleep preview (or provisions an expired one again). */
    public static final String WAKE_ANNOTATION = "previews.dev/wake";

    @Override
    protected PreviewDeploymentStatus initStatus() {
        return null;
    }
}
