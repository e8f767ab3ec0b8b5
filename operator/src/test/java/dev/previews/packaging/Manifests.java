package dev.previews.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.previews.testing.Repository;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/** Kubernetes manifests read as kubectl reads them: YAML files with one or more documents. */
final class Manifests {
    static final Path ROOT = Repository.root();
    static final Path DEPLOY = ROOT.resolve("deploy");
    static final Path CRDS = ROOT.resolve("crds");
    static final Path CHART = ROOT.resolve("helm/preview-operator");
    static final KubernetesSerialization JSON = new KubernetesSerialization();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Manifests() {}

    /** The YAML files `kubectl apply -f dir` applies: directly in dir (no recursion), in name order. */
    static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().matches(".*\\.(ya?ml|json)$"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> documents(String yaml) {
        try {
            List<JsonNode> out = new ArrayList<>();
            try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
                while (it.hasNext()) {
                    JsonNode doc = it.next();
                    if (doc != null && !doc.isNull() && !doc.isMissingNode() && doc.size() > 0) out.add(doc);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> documents(Path file) {
        try {
            return documents(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<GenericKubernetesResource> objects(String yaml) {
        return documents(yaml).stream()
                .map(d -> JSON.convertValue(d, GenericKubernetesResource.class))
                .toList();
    }

    static List<GenericKubernetesResource> objects(Path dir) {
        return files(dir).stream()
                .flatMap(f -> documents(f).stream())
                .map(d -> JSON.convertValue(d, GenericKubernetesResource.class))
                .toList();
    }

    static <T extends HasMetadata> T as(GenericKubernetesResource o, Class<T> type) {
        return JSON.convertValue(o, type);
    }

    static List<GenericKubernetesResource> ofKind(List<GenericKubernetesResource> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
    }

    static <T extends HasMetadata> T one(List<GenericKubernetesResource> objects, Class<T> type) {
        String kind = type.getSimpleName();
        List<GenericKubernetesResource> found = ofKind(objects, kind);
        if (found.size() != 1) throw new AssertionError("expected one " + kind + ", found " + found.size());
        return as(found.get(0), type);
    }

    static <T extends HasMetadata> T named(List<GenericKubernetesResource> objects, Class<T> type, String name) {
        return ofKind(objects, type.getSimpleName()).stream()
                .filter(o -> Objects.equals(name, o.getMetadata().getName()))
                .findFirst()
                .map(o -> as(o, type))
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }
}
