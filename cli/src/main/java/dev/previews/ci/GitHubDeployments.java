package dev.previews.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * GitHub Deployments of previews: one per deploy, in the environment {@code preview/<branch>}, on
 * the commit, with statuses {@code in_progress}, then {@code success} or {@code failure}, and
 * {@code inactive} once the preview is deleted.
 */
final class GitHubDeployments {
    static final int DESCRIPTION_LIMIT = 140;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GitHubApi api;
    private final String repository;

    GitHubDeployments(GitHubApi api, String owner, String repo) {
        this.api = api;
        this.repository = "/repos/" + owner + "/" + repo;
    }

    static String environment(String branch) {
        return "preview/" + branch;
    }

    /** POST /repos/{owner}/{repo}/deployments; the deployment's id. */
    long create(String sha, String environment, String description) throws GitHubException {
        ObjectNode body = JSON.createObjectNode()
                .put("ref", sha)
                .put("environment", environment)
                .put("description", description(description))
                .put("auto_merge", false)
                .put("transient_environment", true)
                .put("production_environment", false);
        body.putArray("required_contexts");
        JsonNode answer = api.post(repository + "/deployments", body);
        if (!answer.path("id").canConvertToLong()) {
            // 202: GitHub merged the default branch into the ref instead (only with auto_merge, which is off)
            throw new GitHubException(
                    202, "GitHub made no deployment: " + answer.path("message").asText("no id in its answer"));
        }
        return answer.get("id").asLong();
    }

    /** POST /repos/{owner}/{repo}/deployments/{id}/statuses. */
    void status(long id, String state, String environmentUrl, String logUrl, String description)
            throws GitHubException {
        ObjectNode body = JSON.createObjectNode().put("state", state);
        if (environmentUrl != null) body.put("environment_url", environmentUrl);
        if (logUrl != null) body.put("log_url", logUrl);
        body.put("description", description(description));
        api.post(repository + "/deployments/" + id + "/statuses", body);
    }

    /**
     * Marks every deployment of the environment inactive (GET .../deployments?environment=E, all
     * pages, then a status for each); the number marked.
     */
    int inactivate(String environment, String logUrl, String description) throws GitHubException {
        String query = "?environment=" + URLEncoder.encode(environment, StandardCharsets.UTF_8) + "&per_page=100";
        int marked = 0;
        for (JsonNode deployment : api.getAll(repository + "/deployments" + query)) {
            if (!deployment.path("id").canConvertToLong()) continue;
            status(deployment.get("id").asLong(), "inactive", null, logUrl, description);
            marked++;
        }
        return marked;
    }

    /** GitHub takes at most 140 characters; one line. */
    static String description(String text) {
        String line = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        if (line.codePointCount(0, line.length()) <= DESCRIPTION_LIMIT) return line;
        int end = line.offsetByCodePoints(0, DESCRIPTION_LIMIT - 3);
        return line.substring(0, end) + "...";
    }
}
