package dev.previews.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.previews.spec.JsonMerge;
import org.junit.jupiter.api.Test;

class JsonSubsetTest {
    static final ObjectMapper M = new ObjectMapper();

    static JsonNode j(String json) throws Exception {
        return M.readTree(json.replace('\'', '"'));
    }

    @Test
    void serverDefaultsAndForeignAnnotationsDoNotCountAsDrift() throws Exception {
        assertThat(JsonSubset.contains(
                        j("{'a':1,'b':{'c':'x','d':2},'e':[{'f':1,'g':'default'}]}"),
                        j("{'b':{'c':'x'},'e':[{'f':1}]}")))
                .isTrue();
        assertThat(JsonSubset.contains(j("{'n':1.0}"), j("{'n':1}"))).isTrue();
        assertThat(JsonSubset.contains(j("{}"), j("{'env':[],'labels':{}}"))).isTrue();
    }

    @Test
    void changedValuesAndExtraListElementsAreDrift() throws Exception {
        assertThat(JsonSubset.contains(j("{'b':{'c':'y'}}"), j("{'b':{'c':'x'}}")))
                .isFalse();
        assertThat(JsonSubset.contains(j("{'e':[{'f':1},{'f':2}]}"), j("{'e':[{'f':1}]}")))
                .isFalse();
        assertThat(JsonSubset.contains(j("{}"), j("{'a':1}"))).isFalse();
    }

    @Test
    void mergeOverlaysObjectsAndReplacesLists() throws Exception {
        JsonNode merged =
                JsonMerge.overlay(j("{'a':{'x':1,'y':2},'l':[1,2,3],'keep':true}"), j("{'a':{'y':3},'l':[9]}"));
        assertThat(merged).isEqualTo(j("{'a':{'x':1,'y':3},'l':[9],'keep':true}"));
    }
}
