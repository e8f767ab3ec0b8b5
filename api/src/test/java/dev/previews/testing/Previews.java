package dev.previews.testing;

import dev.previews.api.BackendSpec;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentSpec;
import dev.previews.api.SeedSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;

/** Preview manifests for tests. */
public final class Previews {
    private Previews() {}

    public static final String COMMIT_A = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
    public static final String COMMIT_B = "b2c3d4e5f60718293a4b5c6d7e8f901234567890";
    public static final String COMMIT_C = "c3d4e5f60718293a4b5c6d7e8f90123456789012";

    public static PreviewDeployment preview(String namespace, String name, String branch) {
        PreviewDeployment p = new PreviewDeployment();
        p.setMetadata(
                new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        PreviewDeploymentSpec spec = new PreviewDeploymentSpec();
        spec.setBranch(branch);
        spec.setCommit(COMMIT_A);
        BackendSpec backend = new BackendSpec();
        backend.setImage("registry.example.com/shop/api:{{shortCommit}}");
        backend.setPort(3000);
        spec.setBackend(backend);
        p.setSpec(spec);
        return p;
    }

    public static PreviewDeployment withSeed(PreviewDeployment p) {
        SeedSpec seed = new SeedSpec();
        seed.setCommand(List.of("/app/seed"));
        p.getSpec().setSeed(seed);
        return p;
    }
}
