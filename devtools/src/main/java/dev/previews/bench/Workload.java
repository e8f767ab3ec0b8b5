package dev.previews.bench;

import dev.previews.api.BackendSpec;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentSpec;
import dev.previews.api.SeedSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The previews of a benchmark: {@code previews} previews with a seed, spread round-robin over
 * {@code namespaces} namespaces ({@code prefix-000}...), one branch each. The operator run and the lower bound use the same.
 */
record Workload(int previews, int namespaces, String prefix) {
    static final String COMMIT_A = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
    static final String COMMIT_B = "b2c3d4e5f60718293a4b5c6d7e8f901234567890";

    /** In namespaces {@code bench-000}... */
    Workload(int previews, int namespaces) {
        this(previews, namespaces, "bench");
    }

    List<String> namespaceNames() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < namespaces; i++) {
            out.add(namespace(i));
        }
        return out;
    }

    String namespace(int i) {
        return String.format("%s-%03d", prefix, i % namespaces);
    }

    String name(int i) {
        return String.format("p-%05d", i);
    }

    String key(int i) {
        return namespace(i) + "/" + name(i);
    }

    PreviewDeployment preview(int i) {
        PreviewDeployment p = new PreviewDeployment();
        p.setMetadata(new ObjectMetaBuilder()
                .withName(name(i))
                .withNamespace(namespace(i))
                .build());
        PreviewDeploymentSpec spec = new PreviewDeploymentSpec();
        spec.setBranch("feature/" + name(i));
        spec.setCommit(COMMIT_A);
        BackendSpec backend = new BackendSpec();
        backend.setImage("registry.example.com/shop/api:{{shortCommit}}");
        backend.setPort(3000);
        spec.setBackend(backend);
        SeedSpec seed = new SeedSpec();
        seed.setCommand(List.of("/app/seed"));
        spec.setSeed(seed);
        p.setSpec(spec);
        return p;
    }
}
