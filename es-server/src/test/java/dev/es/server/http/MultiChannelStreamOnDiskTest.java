package dev.es.server.http;

import dev.es.server.ServerSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream of several channels again with history on disk (--data), where an event is delivered once its commit
 * is done: the same order across channels, the same resumes.
 */
class MultiChannelStreamOnDiskTest extends MultiChannelStreamTest {

    @TempDir
    Path data;

    @Override
    ServerSettings.Builder settings(ServerSettings.Builder settings) {
        return super.settings(settings).data(data);
    }
}
