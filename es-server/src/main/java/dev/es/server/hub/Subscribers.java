package dev.es.server.hub;

import java.util.Arrays;

/**
 * A channel's subscriptions, unordered, guarded by the channel's lock. Adding and removing cost O(1) (each
 * subscription knows its slot) and allocate nothing but the occasional resize: ten thousand joins to one
 * channel once cost a copy of the whole array each, hundreds of megabytes of garbage.
 */
final class Subscribers {

    private static final int INITIAL_CAPACITY = 4;

    private Subscription[] slots = new Subscription[INITIAL_CAPACITY];
    /** Read without the lock by counts; written under it. */
    private volatile int size;

    int size() {
        return size;
    }

    Subscription get(int index) {
        return slots[index];
    }

    void add(Subscription subscription) {
        if (size == slots.length) {
            slots = Arrays.copyOf(slots, size * 2);
        }
        subscription.slot = size;
        slots[size] = subscription;
        size = size + 1;
    }

    /** Removes a subscription by moving the last one into its slot; one that is not here is ignored. */
    void remove(Subscription subscription) {
        int slot = subscription.slot;
        if (slot < 0 || slot >= size || slots[slot] != subscription) {
            return;
        }
        int last = size - 1;
        slots[slot] = slots[last];
        slots[slot].slot = slot;
        slots[last] = null;
        subscription.slot = -1;
        size = last;
        if (size < slots.length / 4 && slots.length > INITIAL_CAPACITY) {
            slots = Arrays.copyOf(slots, Math.max(INITIAL_CAPACITY, slots.length / 2));
        }
    }

    /** Empties the set and returns what it held. */
    Subscription[] clear() {
        Subscription[] all = Arrays.copyOf(slots, size);
        for (Subscription subscription : all) {
            subscription.slot = -1;
        }
        slots = new Subscription[INITIAL_CAPACITY];
        size = 0;
        return all;
    }
}
