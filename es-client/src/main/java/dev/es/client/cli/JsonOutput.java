package dev.es.client.cli;

import picocli.CommandLine.Option;

/** {@code --json}, shared by the commands that can answer in JSON for scripts and jq; each says its shape. */
public final class JsonOutput {

    @Option(names = "--json", description = "Print JSON for scripts and jq (its shape is in the description above).")
    boolean json;

    boolean requested() {
        return json;
    }
}
