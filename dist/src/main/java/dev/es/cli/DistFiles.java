package dev.es.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/**
 * Writes the files the distribution ships besides the jars, generated from the command model at build time:
 * {@code completions/es.bash}, {@code completions/es.zsh}, {@code completions/_es} (zsh's autoloaded function,
 * for the .deb) and {@code man/man1/*.1}.
 */
final class DistFiles {

    private DistFiles() {}

    /** Arguments: the output directory and the version to print in the man pages. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: DistFiles OUTPUT_DIR VERSION");
        }
        Path out = Path.of(args[0]);
        CommandLine root = Main.commandLine();
        Path completions = Files.createDirectories(out.resolve("completions"));
        for (CompletionCommand.Shell shell : CompletionCommand.Shell.values()) {
            Files.writeString(completions.resolve("es." + shell), CompletionCommand.script(shell, root), StandardCharsets.UTF_8);
        }
        Files.writeString(completions.resolve("_es"), CompletionCommand.zshFunction(root), StandardCharsets.UTF_8);
        Path man = Files.createDirectories(out.resolve("man").resolve("man1"));
        for (Map.Entry<String, String> page : ManPages.render(root, args[1]).entrySet()) {
            Files.writeString(man.resolve(page.getKey()), page.getValue(), StandardCharsets.UTF_8);
        }
    }
}
