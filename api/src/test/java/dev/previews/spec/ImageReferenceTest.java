package dev.previews.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "nginx",
                "nginx:1.27",
                "library/nginx:latest",
                "ghcr.io/acme/shop-api:a1b2c3d",
                "localhost:5000/app",
                "registry.example.com:443/team/app:v1.2_3",
                "app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
            })
    void accepts(String image) {
        assertThat(ImageReference.problem("f", image)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "UPPER/case",
                "app:tag with space",
                "app::tag",
                "-app",
                "app:",
                "ghcr.io/acme/app:feature/x",
                "app:-tag"
            })
    void refuses(String image) {
        assertThat(ImageReference.problem("spec.backend.image", image))
                .get()
                .asString()
                .startsWith("spec.backend.image: ")
                .contains("not a valid image reference");
    }
}
