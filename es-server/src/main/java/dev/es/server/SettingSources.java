package dev.es.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.es.common.EsException;
import dev.es.common.UserFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where {@code es serve} settings come from besides its flags: the environment ({@code ES_} and the option's
 * name in capitals, {@code -} as {@code _}: {@code ES_PORT}, {@code ES_CORS_ORIGIN}) and a YAML file
 * ({@code port: 9000}, {@code cors-methods: [GET, POST]}). A flag wins over the environment, the environment
 * over the file, the file over the default. Each value is checked as its flag would be, and a bad one is
 * one line naming where it came from: the variable, or the file, its line and the setting.
 */
final class SettingSources {

    /** A setting's value as a flag would take it, and where it came from, for messages. */
    private record Setting(String value, String origin) {}

    private static final List<String> TOKEN_OPTIONS = List.of("--token", "--token-file");

    private SettingSources() {}

    /**
     * Parses the command again with the settings of the environment and the file put before the flags given,
     * so that every option given neither way keeps its default.
     *
     * @param configFile the YAML file, or null for none
     */
    static void apply(CommandSpec spec, Map<String, String> env, Path configFile) {
        Map<String, Setting> settings = new LinkedHashMap<>();
        if (configFile != null) {
            settings.putAll(readFile(spec, configFile));
        }
        for (OptionSpec option : settable(spec)) {
            String value = env.get(variable(option));
            // Token reads ES_TOKEN itself.
            if (value != null && !value.isBlank() && !option.longestName().equals("--token")) {
                settings.put(option.longestName(), new Setting(value, variable(option)));
            }
        }
        CommandLine.ParseResult flags = spec.commandLine().getParseResult();
        // A flag replaces a setting, lists included (parsed together they would add up).
        flags.matchedOptions().forEach(option -> settings.remove(option.longestName()));
        // The token is one setting given two ways (--token, --token-file): a flag or ES_TOKEN wins over the
        // other way too.
        boolean tokenGiven = TOKEN_OPTIONS.stream().anyMatch(flags::hasMatchedOption)
                || (env.get("ES_TOKEN") != null && !env.get("ES_TOKEN").isBlank());
        if (tokenGiven) {
            TOKEN_OPTIONS.forEach(settings::remove);
        }
        if (settings.isEmpty()) {
            return;
        }
        CommandLine command = spec.commandLine();
        List<String> given = given(command.getParseResult());
        List<String> arguments = new ArrayList<>();
        settings.forEach((flag, setting) -> {
            List<String> one = argument(spec.findOption(flag), setting);
            try {
                command.parseArgs(one.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                throw new EsException(EsException.USAGE, setting.origin() + ": " + e.getMessage());
            }
            arguments.addAll(one);
        });
        // The flags last: where a setting comes twice, the later wins.
        spec.parser().overwrittenOptionsAllowed(true);
        arguments.addAll(given);
        command.parseArgs(arguments.toArray(String[]::new));
    }

    /** The flags the user gave, as arguments to parse again. */
    private static List<String> given(CommandLine.ParseResult parsed) {
        List<String> flags = new ArrayList<>();
        for (OptionSpec option : parsed.matchedOptions()) {
            if (option.typeInfo().isBoolean()) {
                flags.add(option.longestName());
                continue;
            }
            for (String value : option.originalStringValues()) {
                flags.add(option.longestName() + "=" + value);
            }
        }
        return flags;
    }

    /** The options a setting can name: all but --config and help. */
    private static List<OptionSpec> settable(CommandSpec spec) {
        return spec.options().stream()
                .filter(option -> !option.usageHelp() && !option.versionHelp() && !option.longestName().equals("--config"))
                .toList();
    }

    /** ES_ and the option's name in capitals, - as _. */
    static String variable(OptionSpec option) {
        return "ES_" + option.longestName().substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The flag as a user would type it: a boolean's name alone when true, nothing when false. */
    private static List<String> argument(OptionSpec option, Setting setting) {
        if (option.typeInfo().isBoolean()) {
            return switch (setting.value().toLowerCase(Locale.ROOT)) {
                case "true" -> List.of(option.longestName());
                case "false" -> List.of();
                default -> throw new EsException(EsException.USAGE, setting.origin() + ": '" + setting.value()
                        + "' is not true or false");
            };
        }
        return List.of(option.longestName() + "=" + setting.value());
    }

    /** The file's settings by flag, each with its line; one-line errors for anything else. */
    private static Map<String, Setting> readFile(CommandSpec spec, Path file) {
        Map<String, Setting> settings = new LinkedHashMap<>();
        try (JsonParser yaml = new YAMLFactory().createParser(file.toFile())) {
            JsonToken first = yaml.nextToken();
            if (first == null) {
                return settings;
            }
            if (first != JsonToken.START_OBJECT) {
                throw new EsException(EsException.USAGE, file + ":" + yaml.currentLocation().getLineNr()
                        + ": expected settings as 'name: value' lines");
            }
            while (yaml.nextToken() == JsonToken.FIELD_NAME) {
                String name = yaml.currentName();
                int line = yaml.currentLocation().getLineNr();
                String where = file + ":" + line + ": setting '" + name + "'";
                OptionSpec option = spec.findOption("--" + name);
                if (option == null || !settable(spec).contains(option)) {
                    throw new EsException(EsException.USAGE, where + " is not one of es serve's (see es serve --help)");
                }
                Setting earlier = settings.put(option.longestName(), new Setting(value(yaml, where), where));
                if (earlier != null) {
                    // As a typo is: which of the two was meant is the user's to say.
                    throw new EsException(EsException.USAGE, where + " is given twice: keep one");
                }
            }
            return settings;
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage().lines().findFirst().orElse("not YAML");
            throw new EsException(EsException.USAGE, file + ":" + e.getLocation().getLineNr() + ": " + message);
        } catch (IOException e) {
            throw new EsException(EsException.USAGE, "cannot read " + file + ": " + UserFiles.why(e));
        }
    }

    /** A scalar as its text, a list of scalars joined with commas (as the flag takes it). */
    private static String value(JsonParser yaml, String where) throws IOException {
        JsonToken token = yaml.nextToken();
        if (token == JsonToken.START_ARRAY) {
            List<String> items = new ArrayList<>();
            while ((token = yaml.nextToken()) != JsonToken.END_ARRAY) {
                if (!token.isScalarValue()) {
                    throw new EsException(EsException.USAGE, where + ": a list of plain values was expected");
                }
                items.add(yaml.getText());
            }
            return String.join(",", items);
        }
        if (token == null || !token.isScalarValue() || token == JsonToken.VALUE_NULL) {
            throw new EsException(EsException.USAGE, where + ": a value or a list of values was expected");
        }
        return yaml.getText();
    }
}
