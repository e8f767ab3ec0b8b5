package dev.previews.workload;

import dev.previews.api.PreviewDeployment;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;

/**
 * The name of a backend Deployment and whether its selector includes the commit. A Recreate preview's
 * Deployment is named after the preview and selects all of its backend pods; a BlueGreen Deployment is
 * named {@code <name>-<shortCommit>} and selects its own commit's pods only, so that two commits'
 * Deployments never select each other's pods. A selector cannot change, so an existing Deployment
 * keeps the shape it was created with.
 */
public record DeploymentName(String name, boolean commitScoped) {

    /** The Recreate shape: the preview's name, a selector without the commit. */
    public static DeploymentName plain(PreviewDeployment preview) {
        return new DeploymentName(preview.getMetadata().getName(), false);
    }

    /** The BlueGreen shape for a commit. */
    public static DeploymentName ofCommit(PreviewDeployment preview, String commit) {
        return new DeploymentName(PreviewNames.commitName(preview.getMetadata().getName(), commit), true);
    }

    /** The shape an existing Deployment was created with. */
    public static DeploymentName of(Deployment existing) {
        Map<String, String> selector =
                existing.getSpec() == null || existing.getSpec().getSelector() == null
                        ? null
                        : existing.getSpec().getSelector().getMatchLabels();
        return new DeploymentName(
                existing.getMetadata().getName(), selector != null && selector.containsKey(PreviewNames.LABEL_COMMIT));
    }
}
