package dev.previews.spec;

import static dev.previews.testing.Previews.preview;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.IngressSpec;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.SeedSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SpecCheckTest {
    @Test
    void resolvesImagesHostAndTtl() {
        PreviewDeployment p = preview("team-a", "login", "Feature/Login");
        p.getSpec().setSeed(new SeedSpec());
        p.getSpec().setTtl("36h");
        SpecCheck.Result r = SpecCheck.check(p, "{{branch}}.{{namespace}}.previews.example.com");
        assertThat(r.ok()).isTrue();
        assertThat(r.resolved())
                .isEqualTo(new SpecCheck.Resolved(
                        "registry.example.com/shop/api:a1b2c3d",
                        "registry.example.com/shop/api:a1b2c3d",
                        "feature-login.team-a.previews.example.com",
                        Duration.ofHours(36)));
    }

    @Test
    void theSpecHostWinsOverTheTemplateAndNoHostMeansNoIngress() {
        PreviewDeployment p = preview("team-a", "login", "main");
        assertThat(SpecCheck.check(p, null).resolved().host()).isNull();
        IngressSpec ingress = new IngressSpec();
        ingress.setHost("{{name}}.example.com");
        p.getSpec().setIngress(ingress);
        assertThat(SpecCheck.check(p, "{{branch}}.other.example.com").resolved().host())
                .isEqualTo("login.example.com");
    }

    @Test
    void reportsEveryProblemNamingItsField() {
        PreviewDeployment p = preview("team-a", "9-login", "main");
        p.getSpec().getBackend().setImage("registry.example.com/shop/api:{{tag}}");
        SeedSpec seed = new SeedSpec();
        seed.setImage("Seeder:latest");
        p.getSpec().setSeed(seed);
        p.getSpec().setCommit("NOT-HEX");
        SpecCheck.Result first = SpecCheck.check(p, null);
        assertThat(first.ok()).isFalse();
        assertThat(first.message()).contains("metadata.name '9-login'").contains("spec.commit 'NOT-HEX'");

        p.getSpec().setCommit("a1b2c3d");
        SpecCheck.Result second = SpecCheck.check(p, null);
        assertThat(second.problems()).hasSize(3);
        assertThat(second.message())
                .contains("spec.backend.image: unknown placeholder '{{tag}}'")
                .contains("spec.seed.image: 'Seeder:latest' is not a valid image reference");
    }

    @Test
    void rangesTheSchemaWouldCatchAreCheckedToo() {
        PreviewDeployment p = preview("team-a", "login", "main");
        p.getSpec().getBackend().setPort(70000);
        p.getSpec().getBackend().setReplicas(11);
        p.getSpec().setTtl("0m");
        assertThat(SpecCheck.check(p, null).message())
                .contains("spec.backend.port 70000")
                .contains("spec.backend.replicas 11")
                .contains("spec.ttl");
    }
}
