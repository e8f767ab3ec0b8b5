package dev.previews.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The part of Kubernetes' JSONPath that printer columns use: fields ({@code .status.phase},
 * {@code ['app.kubernetes.io/name']}), indexes ({@code [0]}, {@code [-1]}), {@code [*]}, and filters that
 * compare a field with a literal ({@code [?(@.type=="Seeded")]}, {@code !=}). No JSONPath library is on
 * the sandbox's classpath, and these are all a CRD's columns need; anything else is refused when the
 * path is read, with the position.
 */
final class JsonPath {
    private sealed interface Step permits Field, Index, All, Filter {}

    private record Field(String name) implements Step {}

    private record Index(int index) implements Step {}

    private record All() implements Step {}

    private record Filter(JsonPath field, boolean equal, String literal) implements Step {}

    private final String text;
    private final List<Step> steps;

    private JsonPath(String text, List<Step> steps) {
        this.text = text;
        this.steps = steps;
    }

    /** Reads a path such as {@code .status.conditions[?(@.type=="Ready")].status}; a leading {@code $} is optional. */
    static JsonPath parse(String text) {
        Parser parser = new Parser(text);
        JsonPath path = parser.path();
        if (parser.at < text.length()) throw parser.error("'.' or '['");
        return path;
    }

    /** The values the path reaches in {@code root}, in document order; none when a step finds nothing. */
    List<JsonNode> find(JsonNode root) {
        List<JsonNode> current = List.of(root);
        for (Step step : steps) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                apply(step, node, next);
            }
            current = next;
        }
        return current;
    }

    private static void apply(Step step, JsonNode node, List<JsonNode> out) {
        if (step instanceof Field f) {
            if (node.isObject() && node.has(f.name())) out.add(node.get(f.name()));
        } else if (step instanceof Index i) {
            int at = i.index() < 0 ? node.size() + i.index() : i.index();
            if (node.isArray() && at >= 0 && at < node.size()) out.add(node.get(at));
        } else if (step instanceof All) {
            if (node.isArray()) node.forEach(out::add);
            if (node.isObject())
                node.properties().stream().map(Map.Entry::getValue).forEach(out::add);
        } else if (step instanceof Filter f && node.isArray()) {
            for (JsonNode element : node) {
                List<JsonNode> found = f.field().find(element);
                boolean matches = !found.isEmpty()
                        && found.get(0).isValueNode()
                        && found.get(0).asText().equals(f.literal());
                if (matches == f.equal()) out.add(element);
            }
        }
    }

    @Override
    public String toString() {
        return text;
    }

    /** Reads the path left to right; each method consumes one step. */
    private static final class Parser {
        private final String text;
        private int at;

        Parser(String text) {
            this.text = text;
            this.at = text.startsWith("$") ? 1 : 0;
        }

        JsonPath path() {
            List<Step> steps = new ArrayList<>();
            while (at < text.length()) {
                char c = text.charAt(at);
                if (c == '.') {
                    at++;
                    steps.add(new Field(name()));
                } else if (c == '[') {
                    steps.add(bracket());
                } else if (c == ')' || c == '=' || c == '!' || c == '<' || c == '>') {
                    break; // the end of a filter's field
                } else {
                    throw error("'.' or '['");
                }
            }
            return new JsonPath(text, List.copyOf(steps));
        }

        /** A name after a dot: letters, digits, '_' and '-' (others, such as '/' in a label, go in ['...']). */
        private String name() {
            int start = at;
            while (at < text.length()
                    && (Character.isLetterOrDigit(text.charAt(at)) || "_-".indexOf(text.charAt(at)) >= 0)) {
                at++;
            }
            if (at == start) throw error("a field name");
            return text.substring(start, at);
        }

        private Step bracket() {
            at++; // [
            Step step;
            if (text.startsWith("*]", at)) {
                at += 1;
                step = new All();
            } else if (text.startsWith("?(@", at)) {
                at += 3;
                Parser inner = new Parser(text.substring(at));
                JsonPath field = inner.path();
                at += inner.at;
                boolean equal = expectOperator();
                String literal = literal();
                expect(")");
                step = new Filter(field, equal, literal);
            } else if (text.charAt(at) == '\'' || text.charAt(at) == '"') {
                step = new Field(literal());
            } else {
                int start = at;
                while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '-')) at++;
                try {
                    step = new Index(Integer.parseInt(text.substring(start, at)));
                } catch (NumberFormatException e) {
                    at = start;
                    throw error("an index, '*', a quoted name or a filter '?(@...)'");
                }
            }
            expect("]");
            return step;
        }

        private boolean expectOperator() {
            if (text.startsWith("==", at)) {
                at += 2;
                return true;
            }
            if (text.startsWith("!=", at)) {
                at += 2;
                return false;
            }
            throw error("'==' or '!='");
        }

        private String literal() {
            char quote = at < text.length() ? text.charAt(at) : 0;
            if (quote == '"' || quote == '\'') {
                int end = text.indexOf(quote, at + 1);
                if (end < 0) throw error("a closing " + quote);
                String value = text.substring(at + 1, end);
                at = end + 1;
                return value;
            }
            int start = at;
            while (at < text.length() && text.charAt(at) != ')') at++;
            return text.substring(start, at).trim(); // a number or true/false, compared as text
        }

        private void expect(String token) {
            if (!text.startsWith(token, at)) throw error("'" + token + "'");
            at += token.length();
        }

        private IllegalArgumentException error(String expected) {
            return new IllegalArgumentException(
                    "unsupported JSONPath " + text + ": expected " + expected + " at position " + at);
        }
    }
}
