package dev.previews.simulator.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rows from a CRD's printer columns, as the API server fills them. */
class TablesTest {
    private static final Tables TABLES = new Tables(Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC));
    private static final JsonNode OBJECT = Store.parse("""
            {"metadata": {"name": "login", "namespace": "team-a", "creationTimestamp": "2026-12-06T11:55:30Z"},
             "spec": {"replicas": 2, "branch": "feature/login"},
             "status": {"conditions": [{"type": "Seeded", "status": "True"}]}}""");

    @Test
    void cellsFollowTheColumnsTypes_andADateIsAnAge() {
        JsonNode row = row("""
                [{"name": "Branch", "type": "string", "jsonPath": ".spec.branch"},
                 {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
                 {"name": "Wrong type", "type": "integer", "jsonPath": ".spec.branch"},
                 {"name": "Seeded", "type": "string", "jsonPath": ".status.conditions[?(@.type==\\"Seeded\\")].status",
                  "priority": 1},
                 {"name": "Missing", "type": "string", "jsonPath": ".status.url"},
                 {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}]""");

        assertThat(row.path("cells").toString())
                .isEqualTo("[\"login\",\"feature/login\",2,null,\"True\",null,\"4m30s\"]");
    }

    @Test
    void aColumnWhoseJsonPathIsNotReadSaysSo_andTheOthersStillPrint() {
        JsonNode row = row("""
                [{"name": "Branch", "type": "string", "jsonPath": ".spec.branch"},
                 {"name": "Range", "type": "string", "jsonPath": ".spec.items[0:2]"}]""");

        assertThat(row.path("cells").toString())
                .isEqualTo("[\"login\",\"feature/login\",\"<unsupported JSONPath .spec.items[0:2]>\"]");
    }

    private static JsonNode row(String printerColumns) {
        JsonNode version = Store.parse("{\"name\": \"v1\", \"additionalPrinterColumns\": " + printerColumns + "}");
        ServedResource resource = new ServedResource(
                "previews.dev",
                "v1",
                "PreviewDeployment",
                "previewdeployments",
                "previewdeployment",
                true,
                List.of(),
                List.of(),
                null,
                version);
        return TABLES.table(TABLES.columns(resource), List.of(OBJECT), null, null)
                .path("rows")
                .get(0);
    }
}
