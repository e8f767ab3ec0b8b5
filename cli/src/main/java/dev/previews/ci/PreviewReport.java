package dev.previews.ci;

import dev.previews.api.Conditions;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.spec.Timestamps;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What `list` and `status` print for people. Pure functions of the previews and the time. */
final class PreviewReport {
    private PreviewReport() {}

    /** The columns of `kubectl get pd -o wide`, with NAMESPACE first when listing all namespaces. */
    static String table(List<PreviewDeployment> previews, Instant now, boolean withNamespace) {
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(
                List.of("NAME", "BRANCH", "COMMIT", "PHASE", "URL", "EXPIRES", "AGE", "PLAN", "SEEDED", "EXTERNAL"));
        if (withNamespace) header.add(0, "NAMESPACE");
        rows.add(header);
        for (PreviewDeployment p : previews) {
            PreviewDeploymentStatus s = p.getStatus();
            List<String> row = new ArrayList<>(List.of(
                    p.getMetadata().getName(),
                    p.getSpec() == null ? "" : nz(p.getSpec().getBranch()),
                    s == null ? "" : nz(s.getShortCommit()),
                    s == null || s.getPhase() == null ? "Pending" : s.getPhase().name(),
                    s == null ? "" : nz(s.getUrl()),
                    s == null ? "" : nz(s.getExpiresAt()),
                    age(p, now),
                    s == null ? "" : nz(s.getPlan()),
                    s == null
                            ? ""
                            : s.condition(Conditions.SEEDED)
                                    .map(Condition::getStatus)
                                    .orElse(""),
                    s == null ? "" : nz(s.getExternalUrl())));
            if (withNamespace) row.add(0, p.getMetadata().getNamespace());
            rows.add(row);
        }
        return columns(rows);
    }

    static String columns(List<List<String>> rows) {
        int[] widths = new int[rows.get(0).size()];
        rows.forEach(r -> {
            for (int i = 0; i < r.size(); i++)
                widths[i] = Math.max(widths[i], r.get(i).length());
        });
        StringBuilder sb = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                line.append(i == r.size() - 1 ? r.get(i) : String.format("%-" + (widths[i] + 3) + "s", r.get(i)));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /** `status` for people: the summary fields, then the conditions, then the seed's outcome. */
    static String detail(PreviewDeployment p, Instant now) {
        PreviewDeploymentStatus s = p.getStatus();
        List<List<String>> fields = new ArrayList<>();
        fields.add(List.of("Name:", p.getMetadata().getName()));
        fields.add(List.of("Namespace:", p.getMetadata().getNamespace()));
        fields.add(List.of("Branch:", p.getSpec() == null ? "" : nz(p.getSpec().getBranch())));
        String wanted = p.getSpec() == null ? null : p.getSpec().getCommit();
        String running = s == null ? null : s.getCommit();
        fields.add(List.of(
                "Commit:",
                nz(wanted) + (running != null && !running.equals(wanted) ? "  (running: " + running + ")" : "")));
        fields.add(List.of(
                "Phase:",
                s == null || s.getPhase() == null ? "Pending" : s.getPhase().name()));
        if (s != null) {
            if (s.getUrl() != null) fields.add(List.of("URL:", s.getUrl()));
            if (s.getExternalUrl() != null) fields.add(List.of("External URL:", s.getExternalUrl()));
            if (s.getPlan() != null) fields.add(List.of("Plan:", s.getPlan()));
            if (s.getCreatedAt() != null)
                fields.add(List.of("Created:", s.getCreatedAt() + relative(s.getCreatedAt(), now)));
            if (s.getExpiresAt() != null)
                fields.add(List.of("Expires:", s.getExpiresAt() + relative(s.getExpiresAt(), now)));
            if (s.getNext() != null) {
                fields.add(List.of(
                        "Rolling over:",
                        "to " + nz(s.getNext().getShortCommit()) + " ("
                                + s.getNext().getPhase() + ") since "
                                + nz(s.getNext().getStartedAt()) + ": "
                                + firstLine(nz(s.getNext().getMessage()))));
            }
        }
        StringBuilder sb = new StringBuilder(
                columns(fields.stream().map(f -> List.of(f.get(0), f.get(1))).toList()));
        if (s == null) {
            sb.append("The operator has not reported on this preview yet.\n");
            return sb.toString();
        }
        if (!Objects.equals(s.getObservedGeneration(), p.getMetadata().getGeneration())) {
            sb.append("The status is of generation ")
                    .append(s.getObservedGeneration())
                    .append("; the operator has not caught up with generation ")
                    .append(p.getMetadata().getGeneration())
                    .append(" yet.\n");
        }
        if (!s.getConditions().isEmpty()) {
            sb.append("Conditions:\n");
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("  TYPE", "STATUS", "REASON", "MESSAGE"));
            for (Condition c : s.getConditions()) {
                rows.add(List.of(
                        "  " + c.getType(), nz(c.getStatus()), nz(c.getReason()), firstLine(nz(c.getMessage()))));
            }
            sb.append(columns(rows));
        }
        if (s.getSeed() != null) {
            sb.append("Seed:\n");
            if (s.getSeed().getJobName() != null)
                sb.append("  Job:       ").append(s.getSeed().getJobName()).append('\n');
            if (s.getSeed().getStartedAt() != null)
                sb.append("  Started:   ").append(s.getSeed().getStartedAt()).append('\n');
            if (s.getSeed().getFinishedAt() != null)
                sb.append("  Finished:  ").append(s.getSeed().getFinishedAt()).append('\n');
            if (s.getSeed().getMessage() != null) {
                sb.append("  Message:   ")
                        .append(s.getSeed().getMessage().strip().replace("\n", "\n             "))
                        .append('\n');
            }
        }
        return sb.toString();
    }

    static String age(PreviewDeployment p, Instant now) {
        Instant created = Timestamps.parse(p.getMetadata().getCreationTimestamp());
        return created == null ? "" : DurationFormat.age(Duration.between(created, now));
    }

    private static String relative(String timestamp, Instant now) {
        Instant t = Timestamps.parse(timestamp);
        if (t == null) return "";
        return t.isAfter(now)
                ? " (in " + DurationFormat.of(Duration.between(now, t)) + ")"
                : " (" + DurationFormat.of(Duration.between(t, now)) + " ago)";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
