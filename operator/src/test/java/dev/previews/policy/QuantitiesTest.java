package dev.previews.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class QuantitiesTest {
    static final ObjectMapper M = new ObjectMapper();

    static JsonNode j(String json) throws Exception {
        return M.readTree(json.replace('\'', '"'));
    }

    static JsonNode container(String cpu, String memory) throws Exception {
        return container(cpu, memory, "1");
    }

    static JsonNode container(String cpu, String memory, String envValue) throws Exception {
        return j("{'spec':{'containers':[{'name':'backend','resources':{'requests':{'cpu':'" + cpu + "','memory':'"
                + memory + "'},'limits':{'memory':'" + memory + "'}},'env':[{'name':'V','value':'" + envValue
                + "'}]}]}}");
    }

    @Test
    void quantitiesTheApiServerCanonicalisedStillMatchWhatWasAskedFor() throws Exception {
        JsonNode asked = container("0.25", "1024Mi");
        JsonNode stored = container("250m", "1Gi");
        assertThat(JsonSubset.contains(stored, asked)).as("compared as strings").isFalse();
        assertThat(JsonSubset.contains(Quantities.byValue(stored), Quantities.byValue(asked)))
                .isTrue();
    }

    @Test
    void aChangedAmountIsStillDrift_andOnlyResourceMapsAreReadAsQuantities() throws Exception {
        assertThat(JsonSubset.contains(
                        Quantities.byValue(container("500m", "1Gi")), Quantities.byValue(container("0.25", "1Gi"))))
                .isFalse();
        JsonNode env = Quantities.byValue(container("250m", "1Gi", "250m")).at("/spec/containers/0/env/0/value");
        assertThat(env.asText()).as("an env value that looks like a quantity").isEqualTo("250m");
        JsonNode original = container("0.25", "1024Mi");
        Quantities.byValue(original);
        assertThat(original.at("/spec/containers/0/resources/requests/memory").asText())
                .as("the input is not changed")
                .isEqualTo("1024Mi");
    }
}
