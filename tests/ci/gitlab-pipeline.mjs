// Which jobs would GitLab start for one pipeline of .gitlab-ci.yml?
//
//   node gitlab-pipeline.mjs GITLAB_CI_LOCAL_DIR [--variable K=V]... [--unset-variable K]...
//
// Run it in a git checkout. It parses .gitlab-ci.yml with gitlab-ci-local's own
// parser (includes, extends, anchors, GitLab's JSON schema validation), takes the
// predefined CI variables gitlab-ci-local derives from the checkout (branch, sha,
// CI_PIPELINE_SOURCE=push), applies the overrides, and evaluates `workflow:rules`
// with gitlab-ci-local's rule evaluator (4.56.2 evaluates job rules itself but not
// workflow rules). Prints `pipeline: runs` and one `job NAME STAGE WHEN` line per
// job that is not `when: never`, or `pipeline: skipped` and nothing else.
// Exits 1 with the parser's message when the file is invalid.
import path from "node:path";

const [dir, ...rest] = process.argv.slice(2);
if (!dir) {
    console.error("usage: gitlab-pipeline.mjs GITLAB_CI_LOCAL_DIR [--variable K=V] [--unset-variable K]");
    process.exit(2);
}
const args = { variable: [], unsetVariable: [], home: process.env.GITLAB_LOCAL_HOME ?? "/nonexistent" };
for (let i = 0; i < rest.length; i += 2) {
    const key = { "--variable": "variable", "--unset-variable": "unsetVariable" }[rest[i]];
    if (!key || rest[i + 1] === undefined) {
        console.error(`gitlab-pipeline.mjs: bad argument ${rest[i]}`);
        process.exit(2);
    }
    args[key].push(rest[i + 1]);
}

const src = path.resolve(dir, "node_modules/gitlab-ci-local/src");
const { Argv } = await import(`${src}/argv.js`);
const { Parser } = await import(`${src}/parser.js`);
const { Utils } = await import(`${src}/utils.js`);
const { GitData } = await import(`${src}/git-data.js`);
const { init: predefinedVariables } = await import(`${src}/predefined-variables.js`);
const { WriteStreamsMock } = await import(`${src}/write-streams.js`);

const streams = new WriteStreamsMock();
try {
    const argv = await Argv.build(args, streams);
    const parser = await Parser.create(argv, streams, 1, []);
    const gitData = await GitData.init(argv.cwd, streams);
    const variables = {
        ...predefinedVariables({ gitData, argv, envMatchedVariables: {} }),
        ...argv.variable,
    };
    const rules = parser.gitlabData.workflow?.rules ?? [];
    const { when } = rules.length === 0
        ? { when: "always" }
        : Utils.getRulesResult({ argv, cwd: argv.cwd, rules, variables }, gitData);
    if (when === "never") {
        console.log("pipeline: skipped");
    } else {
        console.log("pipeline: runs");
        for (const job of parser.jobs) {
            if (job.when !== "never") console.log(`job ${job.name} ${job.stage} ${job.when}`);
        }
    }
} catch (e) {
    console.error(`gitlab-pipeline.mjs: ${String(e.message ?? e).trim()}`);
    process.exit(1);
}
