package dev.es.server.http;

import dev.es.server.ServerSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch publish's every rule again with history on disk (--data, synced), where the lines are handed to the
 * store in order and the batch answered once the last is delivered: the same answers, in the same order, with the same ids.
 */
class BatchPublishOnDiskTest extends BatchPublishTest {

    @TempDir
    Path data;

    @Override
    ServerSettings.Builder settings(ServerSettings.Builder settings) {
        return super.settings(settings).data(data);
    }
}
