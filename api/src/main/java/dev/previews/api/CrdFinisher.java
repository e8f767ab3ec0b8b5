package dev.previews.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Build step after fabric8's crd-generator: the generator sorts printer columns by JSON path, so
 * this puts them back in the order PreviewDeployment declares them (Branch, Commit, Phase, URL,
 * Expires, Age) and writes the CRD that is installed and committed under crds/.
 *
 * <p>Usage: {@code CrdFinisher <generated.yml> <output.yaml>} (run by Maven at process-classes).
 */
public final class CrdFinisher {
    public static final String CRD_FILE = "previewdeployments.previews.dev-v1.yml";
    /** Where the finished CRD is on the classpath. */
    public static final String CLASSPATH_CRD = "/crd/" + CRD_FILE;

    private CrdFinisher() {}

    public static void main(String[] args) throws IOException {
        CustomResourceDefinition crd;
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
        }
        finish(crd);
        Path out = Path.of(args[1]);
        Files.createDirectories(out.getParent());
        Files.writeString(out, render(crd), StandardCharsets.UTF_8);
    }

    public static void finish(CustomResourceDefinition crd) {
        List<String> declared = Arrays.stream(
                        PreviewDeployment.class.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name)
                .toList();
        crd.getSpec()
                .getVersions()
                .forEach(v -> v.getAdditionalPrinterColumns()
                        .sort(Comparator.comparingInt(
                                (CustomResourceColumnDefinition c) -> declared.indexOf(c.getName()))));
    }

    public static String render(CustomResourceDefinition crd) {
        return "# Generated from dev.previews.api.PreviewDeployment by fabric8's crd-generator and\n"
                + "# dev.previews.api.CrdFinisher during `mvn package`; do not edit by hand.\n"
                + Serialization.asYaml(crd).replaceFirst("^---\n", "");
    }

    /** The finished CRD from the classpath. */
    public static CustomResourceDefinition load() {
        try (InputStream in = CrdFinisher.class.getResourceAsStream(CLASSPATH_CRD)) {
            if (in == null) throw new IllegalStateException(CLASSPATH_CRD + " is missing from the jar");
            return Serialization.unmarshal(in, CustomResourceDefinition.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
