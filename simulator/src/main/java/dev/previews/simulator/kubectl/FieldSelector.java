package dev.previews.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A field selector ({@code involvedObject.name=feature-login,type!=Normal}) split in two: the terms the
 * mock understands (it keeps {@code metadata.name} and {@code metadata.namespace} of each object), and
 * the others, which the mock would compare with attributes no object has and so answer nothing for.
 * {@code kubectl describe} selects a preview's Events by {@code involvedObject.*}; those terms are taken
 * out of the request to the mock and applied here to what it answers.
 */
final class FieldSelector {
    private record Term(String field, boolean equal, String value) {
        boolean matches(JsonNode object) {
            JsonNode node = object;
            for (String part : field.split("\\.")) node = node.path(part);
            String actual = node.isValueNode() ? node.asText() : "";
            return actual.equals(value) == equal;
        }

        String text() {
            return field + (equal ? "=" : "!=") + value;
        }
    }

    private final List<Term> forMock;
    private final List<Term> here;

    private FieldSelector(List<Term> forMock, List<Term> here) {
        this.forMock = forMock;
        this.here = here;
    }

    /** Reads a selector; null or empty selects everything. */
    static FieldSelector parse(String selector) {
        List<Term> forMock = new ArrayList<>();
        List<Term> here = new ArrayList<>();
        if (selector != null) {
            for (String term : selector.split(",")) {
                if (term.isBlank()) continue;
                Term t = term(term.trim());
                boolean mockKnows = t.equal()
                        && (t.field().equals("metadata.name") || t.field().equals("metadata.namespace"));
                (mockKnows ? forMock : here).add(t);
            }
        }
        return new FieldSelector(List.copyOf(forMock), List.copyOf(here));
    }

    private static Term term(String term) {
        int ne = term.indexOf("!=");
        if (ne > 0) return new Term(term.substring(0, ne), false, term.substring(ne + 2));
        int eq = term.indexOf("==");
        if (eq > 0) return new Term(term.substring(0, eq), true, term.substring(eq + 2));
        eq = term.indexOf('=');
        if (eq > 0) return new Term(term.substring(0, eq), true, term.substring(eq + 1));
        throw new IllegalArgumentException(
                "invalid field selector term \"" + term + "\": expected field=value, field==value or field!=value");
    }

    /** The part of the selector to leave in the request to the mock; empty when none. */
    String forMock() {
        return String.join(",", forMock.stream().map(Term::text).toList());
    }

    /** Whether there is anything to apply here. */
    boolean filtersHere() {
        return !here.isEmpty();
    }

    boolean matches(JsonNode object) {
        return here.stream().allMatch(t -> t.matches(object));
    }
}
