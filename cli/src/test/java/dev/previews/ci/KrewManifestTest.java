package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.previews.testing.Repository;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/krew: the manifest template rendered for a release is a krew Plugin that installs bin/kubectl-preview's build. */
class KrewManifestTest {
    static final Path RENDER = Repository.path("deploy", "krew", "render.sh");
    static final String URI =
            "https://github.com/acme/preview-operator/releases/download/v1.2.3/kubectl-preview.tar.gz";

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    Run render(String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(RENDER.toString()), List.of(args).stream())
                .toList());
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void aRenderedManifestIsAKrewPluginForTheOneFilePlugin() throws Exception {
        Path archive =
                Files.write(tmp.resolve("kubectl-preview.tar.gz"), "not really gzip".getBytes(StandardCharsets.UTF_8));
        String sha =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(archive)));

        Run r = render("v1.2.3", URI, archive.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("@").doesNotStartWith("#");
        JsonNode m = new ObjectMapper(new YAMLFactory()).readTree(r.out());
        assertThat(m.path("apiVersion").asText()).isEqualTo("krew.googlecontainertools.github.com/v1alpha2");
        assertThat(m.path("kind").asText()).isEqualTo("Plugin");
        assertThat("kubectl-" + m.path("metadata").path("name").asText())
                .as("kubectl finds the plugin by its file name")
                .isEqualTo(
                        Repository.path("bin", "kubectl-preview").getFileName().toString());
        JsonNode spec = m.path("spec");
        assertThat(spec.path("version").asText()).isEqualTo("v1.2.3");
        assertThat(spec.path("homepage").asText()).isEqualTo("https://github.com/acme/preview-operator");
        assertThat(spec.path("shortDescription").asText()).isNotBlank();
        JsonNode platform = spec.path("platforms").get(0);
        assertThat(platform.path("uri").asText()).isEqualTo(URI);
        assertThat(platform.path("sha256").asText()).isEqualTo(sha);
        assertThat(platform.path("bin").asText()).isEqualTo("kubectl-preview");
        assertThat(platform.path("files").get(0).path("from").asText()).isEqualTo("kubectl-preview");
        assertThat(platform.path("selector").path("matchExpressions").get(0).path("values"))
                .extracting(JsonNode::asText)
                .containsExactly("linux", "darwin");
    }

    @Test
    void itRefusesWhatKrewWouldRefuse() throws Exception {
        Path archive = Files.writeString(tmp.resolve("a.tar.gz"), "x");
        Run noV = render("1.2.3", URI, archive.toString());
        assertThat(noV.code()).isEqualTo(2);
        assertThat(noV.err()).contains("is not v<major>.<minor>.<patch>");
        Run http = render("v1.2.3", "http://example.com/a.tar.gz", archive.toString());
        assertThat(http.code()).isEqualTo(2);
        assertThat(http.err()).contains("must be https://");
        Run missing = render("v1.2.3", URI, tmp.resolve("none").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no archive at");
    }
}
