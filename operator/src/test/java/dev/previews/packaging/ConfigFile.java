package dev.previews.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The operator's configuration file (plans, defaultPlan, ingress, namespaces) as data. */
final class ConfigFile {
    private ConfigFile() {}

    /** The configuration the operator's defaults describe (DESIGN.md: starter 5d/40, professional 14d/300, Delete). */
    static final JsonNode DEFAULTS = parse("""
      plans:
        starter: {ttl: 5d, maxPreviews: 40, expiry: Delete}
        professional: {ttl: 14d, maxPreviews: 300, expiry: Delete}
      defaultPlan: starter
      namespaces: []
      """);

    static JsonNode parse(String yaml) {
        try {
            return Manifests.YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
