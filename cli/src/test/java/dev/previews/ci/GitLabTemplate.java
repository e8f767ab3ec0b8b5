package dev.previews.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.previews.testing.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * ci/gitlab/preview.gitlab-ci.yml read as GitLab reads it (a job's `extends` merged under it, the
 * template's variables under the project's) and a job's before_script and script run as a runner
 * runs them: one POSIX shell (sh, dash here) with the CI variables in the environment, stopping at
 * the first failing command.
 */
final class GitLabTemplate {
    static final Path FILE = Repository.path("ci", "gitlab", "preview.gitlab-ci.yml");

    record Result(int code, String log) {}

    final JsonNode template;

    GitLabTemplate() throws IOException {
        template = CompositeAction.YAML.readTree(FILE.toFile());
    }

    /** The job with what it extends merged under it (one level, as the template uses). */
    JsonNode job(String name) {
        JsonNode job = template.path(name);
        if (job.isMissingNode()) throw new IllegalArgumentException("no job " + name);
        ObjectNode merged = CompositeAction.YAML.createObjectNode();
        if (job.has("extends"))
            merged.setAll((ObjectNode) template.path(job.get("extends").asText()));
        merged.setAll((ObjectNode) job);
        return merged;
    }

    /** The shell of the job: before_script, then script. */
    String shell(String name) {
        JsonNode job = job(name);
        List<String> lines = new ArrayList<>();
        job.path("before_script").forEach(l -> lines.add(l.asText()));
        job.path("script").forEach(l -> lines.add(l.asText()));
        return String.join("\n", lines);
    }

    /** Variables as the job sees them: the template's, the job's, then the project's (which win). */
    Map<String, String> variables(String name, Map<String, String> project) {
        Map<String, String> vars = new LinkedHashMap<>();
        template.path("variables")
                .fields()
                .forEachRemaining(e -> vars.put(e.getKey(), e.getValue().asText()));
        job(name)
                .path("variables")
                .fields()
                .forEachRemaining(e -> vars.put(e.getKey(), e.getValue().asText()));
        vars.putAll(project);
        return vars;
    }

    Result run(String name, Map<String, String> env, Path dir, String path) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-e", "-c", shell(name)).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("PATH", path);
        pb.environment().put("HOME", dir.toString());
        Path log = Files.createTempFile(dir.getParent(), "job", ".log");
        Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(name + " did not finish");
        }
        return new Result(p.exitValue(), Files.readString(log));
    }

    /** What GitLab sets in a merge-request pipeline of the branch. */
    static Map<String, String> mergeRequest(String branch, String slug, String sha) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GITLAB_CI", "true");
        env.put("CI", "true");
        env.put("CI_MERGE_REQUEST_IID", "7");
        env.put("CI_PIPELINE_SOURCE", "merge_request_event");
        env.put("CI_COMMIT_REF_NAME", branch);
        env.put("CI_COMMIT_REF_SLUG", slug);
        env.put("CI_COMMIT_SHA", sha);
        return env;
    }
}
