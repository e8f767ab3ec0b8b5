package dev.previews.simulator.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class FieldSelectorTest {
    private static final JsonNode EVENT = Store.parse("""
            {"metadata": {"name": "login.1", "namespace": "team-a"}, "type": "Warning",
             "involvedObject": {"kind": "PreviewDeployment", "name": "login"}}""");

    @Test
    void leavesTheNameAndNamespaceToTheMock_andAppliesTheRest() {
        FieldSelector selector =
                FieldSelector.parse("metadata.namespace=team-a,involvedObject.name=login,type!=Normal");

        assertThat(selector.forMock()).isEqualTo("metadata.namespace=team-a");
        assertThat(selector.filtersHere()).isTrue();
        assertThat(selector.matches(EVENT)).isTrue();
        assertThat(FieldSelector.parse("involvedObject.name==cart").matches(EVENT))
                .isFalse();
        assertThat(FieldSelector.parse("involvedObject.uid=x").matches(EVENT)).isFalse();
    }

    @Test
    void selectsEverythingWhenEmpty() {
        FieldSelector none = FieldSelector.parse(null);

        assertThat(none.filtersHere()).isFalse();
        assertThat(none.forMock()).isEmpty();
        assertThat(none.matches(EVENT)).isTrue();
    }

    @Test
    void refusesATermWithoutAnOperator() {
        assertThatThrownBy(() -> FieldSelector.parse("involvedObject.name"))
                .hasMessage("invalid field selector term \"involvedObject.name\": expected field=value, field==value"
                        + " or field!=value");
    }
}
