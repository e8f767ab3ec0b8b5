package dev.previews.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a composite action (action.yml) the way GitHub's runner does, for what this repository's action
 * uses: inputs with their defaults, `if:` of the form {@code inputs.X == 'v'}, {@code uses:} steps recorded
 * (not run), {@code run:} steps in {@code bash --noprofile --norc -eo pipefail} with their env, a fresh
 * $GITHUB_OUTPUT per step whose lines become {@code steps.<id>.outputs}, and the action's outputs.
 * Expressions are {@code inputs.*}, {@code steps.*.outputs.*} and {@code github.*}; any other fails the
 * test, so the action cannot grow an expression this runner would get wrong silently.
 */
final class CompositeAction {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*(.*?)\\s*}}");
    private static final Pattern INPUT = Pattern.compile("^inputs\\.([A-Za-z0-9_-]+)$");
    private static final Pattern STEP_OUTPUT =
            Pattern.compile("^steps\\.([A-Za-z0-9_-]+)\\.outputs\\.([A-Za-z0-9_-]+)$");
    private static final Pattern GITHUB = Pattern.compile("^github\\.([A-Za-z0-9_]+)$");
    private static final Pattern CONDITION = Pattern.compile("^inputs\\.([A-Za-z0-9_-]+)\\s*(==|!=)\\s*'([^']*)'$");

    final JsonNode action;

    /** What a run did: the step that failed and its exit code (0: none), the action's outputs, the uses: steps, the log. */
    record Result(
            int exitCode,
            String failedStep,
            Map<String, String> outputs,
            List<String> uses,
            String log,
            String summary) {
        @Override
        public String toString() {
            return "exit " + exitCode + (failedStep == null ? "" : " in step " + failedStep) + "\n" + log;
        }
    }

    CompositeAction(Path actionYml) throws IOException {
        this.action = YAML.readTree(actionYml.toFile());
    }

    Result run(
            Map<String, String> given,
            Map<String, String> github,
            Map<String, String> jobEnv,
            Path actionPath,
            Path runnerTemp,
            Path path)
            throws Exception {
        Map<String, String> inputs = new LinkedHashMap<>();
        for (String name : given.keySet()) {
            if (!action.path("inputs").has(name)) throw new IllegalArgumentException("no input " + name);
        }
        Map<String, Map<String, String>> steps = new LinkedHashMap<>();
        Context context = new Context(inputs, steps, github);
        action.path("inputs")
                .fields()
                .forEachRemaining(e -> inputs.put(
                        e.getKey(),
                        given.containsKey(e.getKey())
                                ? given.get(e.getKey())
                                : context.evaluate(e.getValue().path("default").asText(""))));
        Files.createDirectories(runnerTemp);
        Path summary = Files.writeString(runnerTemp.resolve("step-summary.md"), "");
        StringBuilder log = new StringBuilder();
        List<String> uses = new ArrayList<>();
        int index = 0;
        for (JsonNode step : action.path("runs").path("steps")) {
            index++;
            String name = step.path("name").asText("step " + index);
            if (step.hasNonNull("if") && !context.condition(step.get("if").asText())) continue;
            if (step.hasNonNull("uses")) {
                Map<String, String> with = new LinkedHashMap<>();
                step.path("with")
                        .fields()
                        .forEachRemaining(e -> with.put(
                                e.getKey(), context.evaluate(e.getValue().asText())));
                uses.add(step.get("uses").asText() + " " + with);
                continue;
            }
            if (!"bash".equals(step.path("shell").asText()))
                throw new IllegalStateException(name + ": shell is not bash");
            Path output = Files.writeString(runnerTemp.resolve("output-" + index), "");
            ProcessBuilder pb = new ProcessBuilder(
                    "bash",
                    "--noprofile",
                    "--norc",
                    "-eo",
                    "pipefail",
                    "-c",
                    context.evaluate(step.path("run").asText()));
            pb.environment().clear();
            pb.environment().putAll(jobEnv);
            pb.environment().put("PATH", path.toString() + ":/usr/local/bin:/usr/bin:/bin");
            pb.environment().put("HOME", runnerTemp.resolve("home").toString());
            pb.environment().put("GITHUB_ACTION_PATH", actionPath.toString());
            pb.environment().put("RUNNER_TEMP", runnerTemp.toString());
            pb.environment().put("GITHUB_OUTPUT", output.toString());
            pb.environment().put("GITHUB_STEP_SUMMARY", summary.toString());
            step.path("env")
                    .fields()
                    .forEachRemaining(e -> pb.environment()
                            .put(e.getKey(), context.evaluate(e.getValue().asText())));
            Path stepLog = runnerTemp.resolve("log-" + index);
            Process p = pb.redirectErrorStream(true)
                    .redirectOutput(stepLog.toFile())
                    .start();
            p.getOutputStream().close();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(name + " did not finish");
            }
            log.append("## ").append(name).append('\n').append(Files.readString(stepLog));
            steps.put(step.path("id").asText("step" + index), outputs(output));
            if (p.exitValue() != 0) {
                return new Result(p.exitValue(), name, Map.of(), uses, log.toString(), Files.readString(summary));
            }
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        action.path("outputs")
                .fields()
                .forEachRemaining(e -> outputs.put(
                        e.getKey(), context.evaluate(e.getValue().path("value").asText())));
        return new Result(0, null, outputs, uses, log.toString(), Files.readString(summary));
    }

    /** key=value lines, and key<<DELIMITER blocks, as the runner reads $GITHUB_OUTPUT. */
    static Map<String, String> outputs(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int heredoc = line.indexOf("<<");
            int eq = line.indexOf('=');
            if (heredoc > 0 && (eq < 0 || heredoc < eq)) {
                String delimiter = line.substring(heredoc + 2);
                StringBuilder value = new StringBuilder();
                while (++i < lines.size() && !lines.get(i).equals(delimiter)) {
                    value.append(value.length() == 0 ? "" : "\n").append(lines.get(i));
                }
                out.put(line.substring(0, heredoc), value.toString());
            } else if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    private record Context(
            Map<String, String> inputs, Map<String, Map<String, String>> steps, Map<String, String> github) {
        String evaluate(String text) {
            Matcher m = EXPRESSION.matcher(text);
            StringBuilder sb = new StringBuilder();
            while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(value(m.group(1))));
            m.appendTail(sb);
            return sb.toString();
        }

        String value(String expression) {
            Matcher m;
            if ((m = INPUT.matcher(expression)).matches()) {
                if (!inputs.containsKey(m.group(1))) throw new IllegalStateException("no input " + m.group(1));
                return inputs.get(m.group(1));
            }
            if ((m = STEP_OUTPUT.matcher(expression)).matches()) {
                return steps.getOrDefault(m.group(1), Map.of()).getOrDefault(m.group(2), "");
            }
            if ((m = GITHUB.matcher(expression)).matches()) {
                if (!github.containsKey(m.group(1))) throw new IllegalStateException("no github." + m.group(1));
                return github.get(m.group(1));
            }
            throw new IllegalStateException("an expression this test's runner does not know: " + expression);
        }

        boolean condition(String expression) {
            Matcher m = CONDITION.matcher(
                    expression.replaceAll("^\\$\\{\\{\\s*|\\s*}}$", "").strip());
            if (!m.matches())
                throw new IllegalStateException("a condition this test's runner does not know: " + expression);
            boolean equal = m.group(3).equals(value("inputs." + m.group(1)));
            return m.group(2).equals("==") == equal;
        }
    }
}
