package dev.previews.packaging;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Renders the chart with helm-java (Helm as a native library, offline) as `helm template` does. */
public final class ChartRendering {
    static final String RELEASE = "preview-operator";
    static final String NAMESPACE = "preview-operator";

    private ChartRendering() {}

    static String template(String valuesYaml) {
        TemplateCommand command =
                new Helm(Manifests.CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
        if (valuesYaml != null) {
            try {
                Path values = Files.createTempFile("values-", ".yaml");
                Files.writeString(values, valuesYaml);
                values.toFile().deleteOnExit();
                command = command.withValuesFile(values);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return command.call();
    }

    static List<GenericKubernetesResource> render(String valuesYaml) {
        return Manifests.objects(template(valuesYaml));
    }

    public static List<GenericKubernetesResource> render() {
        return render(null);
    }
}
