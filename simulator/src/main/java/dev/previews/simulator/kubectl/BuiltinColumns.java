package dev.previews.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.previews.simulator.kubectl.Tables.Column;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The columns the API server prints for the built-in kinds a preview is made of, after Kubernetes'
 * own printers (pkg/printers/internalversion), so that {@code kubectl get deploy,svc,jobs,events} reads
 * as on a cluster: a Deployment's ready and available replicas, a Job's completions, an Event's reason
 * and message. Kinds not here get a Name and an Age.
 */
final class BuiltinColumns {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Clock clock;

    BuiltinColumns(Clock clock) {
        this.clock = clock;
    }

    /** The columns after the Name for {@code kind}; none known: Age only. Events have no Name column first. */
    List<Column> of(String kind, Column name) {
        List<Column> columns = new ArrayList<>();
        switch (kind) {
            case "Deployment" -> {
                columns.add(name);
                columns.add(text("Ready", o -> integer(o, "status", "readyReplicas") + "/" + replicas(o)));
                columns.add(number("Up-to-date", o -> integer(o, "status", "updatedReplicas")));
                columns.add(number("Available", o -> integer(o, "status", "availableReplicas")));
                columns.add(age("Age", o -> o.path("metadata").path("creationTimestamp")));
                columns.addAll(podTemplate(o -> o.path("spec").path("template")));
            }
            case "Job" -> {
                columns.add(name);
                columns.add(text("Status", BuiltinColumns::jobStatus));
                columns.add(text(
                        "Completions",
                        o -> integer(o, "status", "succeeded") + "/"
                                + o.path("spec").path("completions").asInt(1)));
                columns.add(text("Duration", this::jobDuration));
                columns.add(age("Age", o -> o.path("metadata").path("creationTimestamp")));
                columns.addAll(podTemplate(o -> o.path("spec").path("template")));
            }
            case "Service" -> {
                columns.add(name);
                columns.add(text("Type", o -> o.path("spec").path("type").asText("ClusterIP")));
                columns.add(
                        text("Cluster-IP", o -> o.path("spec").path("clusterIP").asText("<none>")));
                columns.add(text("External-IP", o -> "<none>"));
                columns.add(text(
                        "Port(s)",
                        o -> join(
                                o.path("spec").path("ports"),
                                p -> p.path("port").asText() + "/"
                                        + p.path("protocol").asText("TCP"),
                                ",",
                                "<none>")));
                columns.add(age("Age", o -> o.path("metadata").path("creationTimestamp")));
                columns.add(wide(text("Selector", o -> labels(o.path("spec").path("selector")))));
            }
            case "Ingress" -> {
                columns.add(name);
                columns.add(text(
                        "Class", o -> o.path("spec").path("ingressClassName").asText("<none>")));
                columns.add(text(
                        "Hosts",
                        o -> join(
                                o.path("spec").path("rules"),
                                r -> r.path("host").asText("*"),
                                ",",
                                "*")));
                columns.add(text(
                        "Address",
                        o -> join(
                                o.path("status").path("loadBalancer").path("ingress"),
                                i -> i.path("ip").asText(i.path("hostname").asText()),
                                ",",
                                "")));
                columns.add(text("Ports", o -> o.path("spec").path("tls").isEmpty() ? "80" : "80, 443"));
                columns.add(age("Age", o -> o.path("metadata").path("creationTimestamp")));
            }
            case "Pod" -> {
                columns.add(name);
                columns.add(text(
                        "Ready",
                        o -> count(o.path("status").path("containerStatuses"), "ready") + "/"
                                + o.path("spec").path("containers").size()));
                columns.add(text("Status", o -> o.path("status").path("phase").asText("Pending")));
                columns.add(number("Restarts", o -> sum(o.path("status").path("containerStatuses"), "restartCount")));
                columns.add(age("Age", o -> o.path("metadata").path("creationTimestamp")));
            }
            case "Namespace" -> {
                columns.add(name);
                columns.add(text("Status", o -> o.path("status").path("phase").asText("Active")));
                columns.add(age("Age", o -> o.path("metadata").path("creationTimestamp")));
            }
            case "Event" -> {
                columns.add(
                        age("Last Seen", o -> o.has("lastTimestamp") ? o.get("lastTimestamp") : o.path("eventTime")));
                columns.add(text("Type", o -> o.path("type").asText()));
                columns.add(text("Reason", o -> o.path("reason").asText()));
                columns.add(text(
                        "Object",
                        o -> o.path("involvedObject").path("kind").asText().toLowerCase() + "/"
                                + o.path("involvedObject").path("name").asText()));
                columns.add(text("Message", o -> o.path("message").asText()));
                columns.add(wide(name));
            }
            default -> {
                columns.add(name);
                columns.add(age("Age", o -> o.path("metadata").path("creationTimestamp")));
            }
        }
        return columns;
    }

    /** The wide columns of a workload: its containers, their images, and its selector. */
    private static List<Column> podTemplate(Function<JsonNode, JsonNode> template) {
        Function<JsonNode, JsonNode> containers =
                o -> template.apply(o).path("spec").path("containers");
        return List.of(
                wide(text(
                        "Containers",
                        o -> join(containers.apply(o), c -> c.path("name").asText(), ",", "<none>"))),
                wide(text(
                        "Images",
                        o -> join(containers.apply(o), c -> c.path("image").asText(), ",", "<none>"))),
                wide(text(
                        "Selector", o -> labels(o.path("spec").path("selector").path("matchLabels")))));
    }

    /** Complete, Failed, Suspended or Running, from the Job's conditions. */
    private static String jobStatus(JsonNode job) {
        for (JsonNode c : job.path("status").path("conditions")) {
            if (!c.path("status").asText().equals("True")) continue;
            switch (c.path("type").asText()) {
                case "Complete":
                    return "Complete";
                case "Failed":
                    return "Failed";
                case "Suspended":
                    return "Suspended";
                default:
            }
        }
        return "Running";
    }

    private String jobDuration(JsonNode job) {
        JsonNode status = job.path("status");
        if (!status.has("startTime")) return "";
        try {
            Instant end = status.has("completionTime")
                    ? Instant.parse(status.get("completionTime").asText())
                    : clock.instant();
            return HumanDuration.since(status.get("startTime").asText(), end);
        } catch (DateTimeParseException e) {
            return "<invalid>";
        }
    }

    private Column age(String name, Function<JsonNode, JsonNode> timestamp) {
        return new Column(name, "string", "", name + " of the object", 0, o -> {
            JsonNode value = timestamp.apply(o);
            return NODES.textNode(
                    value.isTextual() ? HumanDuration.since(value.asText(), clock.instant()) : "<unknown>");
        });
    }

    private static Column text(String name, Function<JsonNode, String> value) {
        return new Column(name, "string", "", name, 0, o -> NODES.textNode(value.apply(o)));
    }

    private static Column number(String name, Function<JsonNode, Integer> value) {
        return new Column(name, "integer", "", name, 0, o -> NODES.numberNode(value.apply(o)));
    }

    private static Column wide(Column c) {
        return new Column(c.name(), c.type(), c.format(), c.description(), 1, c.cell());
    }

    private static int integer(JsonNode o, String section, String field) {
        return o.path(section).path(field).asInt(0);
    }

    private static int replicas(JsonNode deployment) {
        return deployment.path("spec").path("replicas").asInt(1);
    }

    private static int count(JsonNode statuses, String flag) {
        int n = 0;
        for (JsonNode s : statuses) if (s.path(flag).asBoolean(false)) n++;
        return n;
    }

    private static int sum(JsonNode statuses, String field) {
        int n = 0;
        for (JsonNode s : statuses) n += s.path(field).asInt(0);
        return n;
    }

    private static String join(JsonNode array, Function<JsonNode, String> part, String separator, String none) {
        List<String> parts = new ArrayList<>();
        array.forEach(e -> parts.add(part.apply(e)));
        return parts.isEmpty() ? none : String.join(separator, parts);
    }

    /** {@code app=x,tier=y}, as a selector is printed; {@code <none>} for none. */
    private static String labels(JsonNode map) {
        List<String> pairs = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : map.properties())
            pairs.add(e.getKey() + "=" + e.getValue().asText());
        return pairs.isEmpty() ? "<none>" : String.join(",", pairs);
    }
}
