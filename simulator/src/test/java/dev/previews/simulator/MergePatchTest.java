package dev.previews.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MergePatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The examples of RFC 7386, appendix A, and the two cases kubectl counts on: a list replaced, null deleting. */
    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "{'a':'b'}                    | {'a':'c'}                | {'a':'c'}",
                "{'a':'b'}                    | {'b':'c'}                | {'a':'b','b':'c'}",
                "{'a':'b'}                    | {'a':null}               | {}",
                "{'a':'b','b':'c'}            | {'a':null}               | {'b':'c'}",
                "{'a':['b']}                  | {'a':'c'}                | {'a':'c'}",
                "{'a':'c'}                    | {'a':['b']}              | {'a':['b']}",
                "{'a':{'b':'c'}}              | {'a':{'b':'d','c':null}} | {'a':{'b':'d'}}",
                "{'a':[{'b':'c'}]}            | {'a':[1]}                | {'a':[1]}",
                "['a','b']                    | ['c','d']                | ['c','d']",
                "{'a':'b'}                    | ['c']                    | ['c']",
                "{'a':'foo'}                  | null                     | null",
                "{'a':'foo'}                  | 'bar'                    | 'bar'",
                "{'e':null}                   | {'a':1}                  | {'e':null,'a':1}",
                "[1,2]                        | {'a':'b','c':null}       | {'a':'b'}",
                "{}                           | {'a':{'bb':{'ccc':null}}} | {'a':{'bb':{}}}",
                "{'args':['--port','80','-v']} | {'args':['--port','81']} | {'args':['--port','81']}",
            })
    void appliesAsRfc7386Says(String target, String patch, String expected) throws Exception {
        assertThat(MergePatch.apply(json(target), json(patch))).isEqualTo(json(expected));
    }

    @Test
    void changesNeitherArgument() throws Exception {
        JsonNode target = json("{'spec':{'env':[{'name':'A'}],'seed':{'image':'x'}}}");
        JsonNode patch = json("{'spec':{'env':[{'name':'B'}],'seed':null}}");

        JsonNode merged = MergePatch.apply(target, patch);

        assertThat(merged).isEqualTo(json("{'spec':{'env':[{'name':'B'}]}}"));
        assertThat(target).isEqualTo(json("{'spec':{'env':[{'name':'A'}],'seed':{'image':'x'}}}"));
        assertThat(patch).isEqualTo(json("{'spec':{'env':[{'name':'B'}],'seed':null}}"));
    }

    private static JsonNode json(String singleQuoted) throws Exception {
        return JSON.readTree(singleQuoted.replace('\'', '"'));
    }
}
