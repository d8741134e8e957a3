package dev.es.common;

import java.util.Map;

/**
 * Where a command reads environment variables from: the root command implements it, so that tests can run
 * the CLI in-process with an environment of their own instead of the machine's.
 */
public interface EnvironmentSource {

    Map<String, String> environment();

    /** The environment the root command carries, or the process's when it carries none. */
    static Map<String, String> of(Object rootCommand) {
        return rootCommand instanceof EnvironmentSource source ? source.environment() : System.getenv();
    }
}
