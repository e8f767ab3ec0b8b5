package dev.previews.simulator.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class JsonPathTest {
    private static final JsonNode PREVIEW = Store.parse("""
            {"metadata": {"name": "login", "labels": {"app.kubernetes.io/name": "shop"}},
             "spec": {"branch": "feature/login", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
             "status": {"conditions": [
                {"type": "Provisioned", "status": "True"},
                {"type": "Seeded", "status": "False"}]}}""");

    @Test
    void readsFieldsIndexesWildcardsAndFilters() {
        assertThat(texts(".spec.branch")).containsExactly("feature/login");
        assertThat(texts("$.spec.env[1].name")).containsExactly("B");
        assertThat(texts(".spec.env[-1].value")).containsExactly("2");
        assertThat(texts(".spec.env[*].name")).containsExactly("A", "B");
        assertThat(texts(".status.conditions[?(@.type==\"Seeded\")].status")).containsExactly("False");
        assertThat(texts(".status.conditions[?(@.type!='Seeded')].type")).containsExactly("Provisioned");
        assertThat(texts(".metadata.labels['app.kubernetes.io/name']")).containsExactly("shop");
    }

    @Test
    void findsNothingWhereThereIsNothing() {
        assertThat(texts(".status.url")).isEmpty();
        assertThat(texts(".spec.env[5].name")).isEmpty();
        assertThat(texts(".spec.branch.deeper")).isEmpty();
        assertThat(texts(".status.conditions[?(@.type==\"Ready\")].status")).isEmpty();
    }

    @Test
    void refusesWhatItDoesNotRead_sayingWhereAndWhatItExpected() {
        assertThatThrownBy(() -> JsonPath.parse(".spec.env[1:2]"))
                .hasMessage("unsupported JSONPath .spec.env[1:2]: expected ']' at position 11");
        assertThatThrownBy(() -> JsonPath.parse("spec.branch"))
                .hasMessage("unsupported JSONPath spec.branch: expected '.' or '[' at position 0");
        assertThatThrownBy(() -> JsonPath.parse(".status.conditions[?(@.type>1)]"))
                .hasMessage("unsupported JSONPath .status.conditions[?(@.type>1)]: expected '==' or '!='"
                        + " at position 27");
    }

    private static java.util.List<String> texts(String path) {
        return JsonPath.parse(path).find(PREVIEW).stream().map(JsonNode::asText).toList();
    }
}
