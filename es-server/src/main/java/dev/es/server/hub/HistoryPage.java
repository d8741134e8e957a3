package dev.es.server.hub;

import java.util.List;

/**
 * A channel's retained events after an id, oldest first ({@link Hub#history}): their frames as subscribers get
 * them, and how exactly they follow that id (null when none was given).
 */
public record HistoryPage(List<byte[]> frames, Resume resume) {}
