package dev.es.client.cli;

import dev.es.client.ClientConfig;
import dev.es.common.EsException;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code es config set url|token VALUE}: writes the client dotfile. */
@Command(
        name = "config",
        description = {
            "Keep the hub's URL and token in a file.",
            "",
            "The file is ~/.config/es/config (mode 600). --url/--token and ES_URL/ES_TOKEN take precedence.",
            ""
        },
        subcommands = ConfigCommand.Set.class)
public final class ConfigCommand {

    @Command(
            name = "set",
            description = "Set url or token.",
            footer = {"", "Examples:", "  es config set url http://hub.internal:8080", "  es config set token s3cret"})
    static final class Set implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "KEY", description = "url or token.")
        String key;

        @Parameters(index = "1", paramLabel = "VALUE", description = "The value.")
        String value;

        @Override
        public Integer call() {
            ClientConfig config = EndpointOptions.config(spec);
            try {
                config.set(key, value);
            } catch (IllegalArgumentException e) {
                throw new EsException(EsException.USAGE, e.getMessage());
            } catch (IOException e) {
                throw new EsException(EsException.FAILURE, "cannot write " + config.file() + ": " + e.getMessage());
            }
            return 0;
        }
    }
}
