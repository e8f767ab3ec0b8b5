package dev.previews.sandbox;

import dev.previews.api.Conditions;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A plain-text table of previews, like `kubectl get pd -o wide`. Pure function. */
public final class PreviewTable {
    private PreviewTable() {}

    public static final List<String> HEADER =
            List.of("NAME", "BRANCH", "COMMIT", "PHASE", "SEED", "NEXT", "URL", "EXPIRES");

    public static String render(List<PreviewDeployment> previews) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        previews.stream()
                .sorted(Comparator.comparing(
                                (PreviewDeployment p) -> p.getMetadata().getNamespace())
                        .thenComparing(p -> p.getMetadata().getName()))
                .forEach(p -> rows.add(row(p)));
        int[] widths = new int[HEADER.size()];
        rows.forEach(r -> {
            for (int i = 0; i < r.size(); i++)
                widths[i] = Math.max(widths[i], r.get(i).length());
        });
        StringBuilder sb = new StringBuilder();
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                String cell = r.get(i);
                sb.append(i == r.size() - 1 ? cell : String.format("%-" + (widths[i] + 3) + "s", cell));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static List<String> row(PreviewDeployment p) {
        PreviewDeploymentStatus s = p.getStatus();
        String branch = p.getSpec() == null ? "" : nz(p.getSpec().getBranch());
        if (s == null) {
            return List.of(p.getMetadata().getName(), branch, "", "Pending", "", "", "", "");
        }
        return List.of(
                p.getMetadata().getName(),
                branch,
                nz(s.getShortCommit()),
                s.getPhase() == null ? "Pending" : s.getPhase().name(),
                seed(s),
                next(s),
                s.getExternalUrl() != null ? s.getExternalUrl() : nz(s.getUrl()),
                nz(s.getExpiresAt()));
    }

    /** The seed column: the reason of the Seeded condition, e.g. SeedSucceeded, Seeding, SeedFailed, NoSeed. */
    static String seed(PreviewDeploymentStatus s) {
        return nz(s.reason(Conditions.SEEDED));
    }

    /** The next column: a BlueGreen rollover's incoming commit and where it stands, e.g. "b2c3d4e Seeding". */
    static String next(PreviewDeploymentStatus s) {
        return s.getNext() == null
                ? ""
                : nz(s.getNext().getShortCommit()) + " " + s.getNext().getPhase();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
