package dev.es.server.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubscribersTest {

    private static Subscription subscription() {
        return new Subscription("ch", 1024, () -> {});
    }

    private static Set<Subscription> contents(Subscribers subscribers) {
        Set<Subscription> all = new HashSet<>();
        for (int i = 0; i < subscribers.size(); i++) {
            all.add(subscribers.get(i));
        }
        return all;
    }

    @Test
    void removingAnyMemberKeepsEveryOtherAndIgnoresStrangers() {
        Subscribers subscribers = new Subscribers();
        List<Subscription> added = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Subscription s = subscription();
            added.add(s);
            subscribers.add(s);
        }
        subscribers.remove(subscription());
        Set<Subscription> expected = new HashSet<>(added);
        // First, last and middle slots, in an order that moves the last member around.
        for (int index : new int[] {0, 99, 50, 1, 98, 97}) {
            subscribers.remove(added.get(index));
            subscribers.remove(added.get(index));
            expected.remove(added.get(index));
            assertEquals(expected, contents(subscribers));
        }
        for (Subscription s : added) {
            subscribers.remove(s);
        }
        assertEquals(0, subscribers.size());
        subscribers.add(added.get(0));
        assertEquals(Set.of(added.get(0)), contents(subscribers));
        assertEquals(1, subscribers.clear().length);
        assertEquals(0, subscribers.size());
    }
}
