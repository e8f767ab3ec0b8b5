package dev.previews.ci;

import dev.previews.api.PreviewDeployment;
import java.util.List;

/** The previews `status` and `delete` address: by name, by --branch, or by the branch the CI builds. */
final class Locate {
    private Locate() {}

    /** What was asked for, for messages. */
    record Target(String name, String branch) {
        String describe(String namespace) {
            return (name != null ? "preview " + name : "preview for branch " + branch) + " in namespace " + namespace;
        }
    }

    static Target target(String name, String branchFlag, Terminal terminal) {
        if (name != null && branchFlag != null) {
            throw CliFailure.invalid("give either a preview NAME or --branch, not both");
        }
        if (name != null) return new Target(name, null);
        String branch = CiEnvironment.branch(branchFlag, terminal);
        if (branch == null) {
            throw CliFailure.invalid("which preview? Pass its NAME or --branch, or run in a CI that names the branch ("
                    + String.join(
                            ", ",
                            CiEnvironment.PROVIDERS.stream()
                                    .map(p -> String.join(" or ", p.branchVariables()))
                                    .toList())
                    + ").");
        }
        return new Target(null, branch);
    }

    /** The matching previews, the branch's holder (the oldest) first; empty when there are none. */
    static List<PreviewDeployment> find(PreviewStore store, String namespace, Target target) {
        if (target.name() != null) {
            PreviewDeployment p = store.get(namespace, target.name());
            if (p == null) {
                store.probe(namespace); // a missing CRD or no permission to list says so, instead of "not found"
                return List.of();
            }
            return List.of(p);
        }
        return store.list(namespace, null).stream()
                .filter(p -> p.getSpec() != null
                        && target.branch().equals(p.getSpec().getBranch()))
                .toList();
    }

    /** The preview a command acts on: the named one, or the branch's holder; exit 8 when there is none. */
    static PreviewDeployment one(PreviewStore store, String namespace, Target target) {
        List<PreviewDeployment> found = find(store, namespace, target);
        if (found.isEmpty()) throw new CliFailure(ExitCodes.NOT_FOUND, "no " + target.describe(namespace));
        return found.get(0);
    }
}
