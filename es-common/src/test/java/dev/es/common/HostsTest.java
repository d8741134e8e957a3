package dev.es.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostsTest {

    @Test
    void loopbackIsTold() {
        assertTrue(Hosts.isLoopback("127.0.0.1"));
        assertTrue(Hosts.isLoopback("::1"));
        assertFalse(Hosts.isLoopback("192.0.2.1"));
    }

    @Test
    void noNameIsAUsageErrorNotLoopback() {
        // Java resolves a missing or empty name to loopback: a URL like http://my_host/ has none.
        for (String none : new String[] {null, "", " "}) {
            EsException refused = assertThrows(EsException.class, () -> Hosts.isLoopback(none));
            assertEquals(EsException.USAGE, refused.exitCode());
        }
    }
}
