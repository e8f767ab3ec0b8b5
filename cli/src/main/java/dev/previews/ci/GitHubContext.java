package dev.previews.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a GitHub Actions job says about itself in its environment, as far as reporting to GitHub
 * needs it: the repository, the token, the API's address, the pull request, the commit and the run.
 * A pure function of the environment (and the event file it names).
 */
record GitHubContext(
        String owner,
        String repo,
        String token,
        URI apiUrl,
        Integer pullRequest,
        String commit,
        String runUrl,
        List<String> problems) {
    static final String DEFAULT_API = "https://api.github.com";
    private static final Pattern REPOSITORY = Pattern.compile("^([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)$");
    private static final Pattern PULL_REF = Pattern.compile("^refs/pull/([0-9]+)/(merge|head)$");
    private static final Pattern SHA = Pattern.compile("^[0-9a-f]{7,40}$");

    /** Whether GitHub can be called: the repository, the token and the API's address are known. */
    boolean usable() {
        return problems.isEmpty();
    }

    String repository() {
        return owner + "/" + repo;
    }

    /**
     * The context of this job. The commit is {@code commitFlag}, else the pull request's head
     * ({@code .pull_request.head.sha} of the event), else {@code GITHUB_SHA}; the pull request is
     * {@code .pull_request.number} of the event, else the number in {@code GITHUB_REF}
     * ({@code refs/pull/N/merge}); none when neither says.
     */
    static GitHubContext from(Terminal env, String commitFlag) {
        List<String> problems = new ArrayList<>();
        String owner = null;
        String repo = null;
        String repository = env.get("GITHUB_REPOSITORY");
        if (repository == null) {
            problems.add("GITHUB_REPOSITORY is not set (it is in GitHub Actions: owner/name)");
        } else {
            Matcher m = REPOSITORY.matcher(repository);
            if (m.matches()) {
                owner = m.group(1);
                repo = m.group(2);
            } else {
                problems.add("GITHUB_REPOSITORY '" + repository + "' is not owner/name");
            }
        }
        String token = env.get("GITHUB_TOKEN");
        if (token == null) {
            problems.add("GITHUB_TOKEN is not set (pass it to the step: env: GITHUB_TOKEN: ${{ github.token }})");
        }
        URI api = null;
        String apiSetting = Optional.ofNullable(env.get("GITHUB_API_URL")).orElse(DEFAULT_API);
        try {
            api = URI.create(apiSetting.endsWith("/") ? apiSetting.substring(0, apiSetting.length() - 1) : apiSetting);
            if (api.getScheme() == null
                    || !(api.getScheme().equals("https") || api.getScheme().equals("http"))
                    || api.getHost() == null) {
                problems.add("GITHUB_API_URL '" + apiSetting + "' is not an http(s) URL");
                api = null;
            }
        } catch (IllegalArgumentException e) {
            problems.add("GITHUB_API_URL '" + apiSetting + "' is not a URL");
        }
        JsonNode event = event(env);
        Integer pr = null;
        if (event.path("pull_request").path("number").canConvertToInt()
                && event.path("pull_request").path("number").asInt() > 0) {
            pr = event.path("pull_request").path("number").asInt();
        } else if (env.get("GITHUB_REF") != null) {
            Matcher m = PULL_REF.matcher(env.get("GITHUB_REF"));
            if (m.matches()) pr = Integer.valueOf(m.group(1));
        }
        String commit = firstSha(
                commitFlag, event.path("pull_request").path("head").path("sha").asText(null), env.get("GITHUB_SHA"));
        String server = env.get("GITHUB_SERVER_URL");
        String runId = env.get("GITHUB_RUN_ID");
        String runUrl = server != null && repository != null && runId != null
                ? trimSlash(server) + "/" + repository + "/actions/runs/" + runId
                : null;
        return new GitHubContext(owner, repo, token, api, pr, commit, runUrl, List.copyOf(problems));
    }

    /** The event that started the workflow ($GITHUB_EVENT_PATH); an empty object when there is none or it cannot be read. */
    private static JsonNode event(Terminal env) {
        String path = env.get("GITHUB_EVENT_PATH");
        if (path == null || !Files.isRegularFile(Path.of(path))) return new ObjectMapper().createObjectNode();
        try {
            return new ObjectMapper().readTree(Files.readString(Path.of(path)));
        } catch (IOException | RuntimeException e) {
            return new ObjectMapper().createObjectNode();
        }
    }

    private static String firstSha(String... candidates) {
        for (String c : candidates) {
            if (c == null || c.isBlank()) continue;
            String sha = c.trim().toLowerCase(Locale.ROOT);
            if (SHA.matcher(sha).matches()) return sha;
        }
        return null;
    }

    private static String trimSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Never print the token. */
    @Override
    public String toString() {
        return "GitHubContext[" + repository() + ", api " + apiUrl + ", pull request " + pullRequest + ", commit "
                + commit + "]";
    }
}
